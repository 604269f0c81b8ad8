import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner
import LeakLabTestFixtures
import Testing

/// The arithmetic of `compare-allocators`: what settle gives back, fragmentation, spreads and
/// verdicts across configurations.
@Suite struct AllocatorComparisonTests {
    /// Samples whose `allocated` grows by `perIteration` B over the workload of `iterations`.
    static func line(_ perIteration: Double, iterations: Int) -> [Sample] {
        [Sample(t: 0, phase: .warmUp, iteration: 100, allocated: 1 << 20)]
            + stride(from: 10, through: iterations, by: 10).map { done in
                Sample(t: Double(done), phase: .workload, iteration: 100 + done, allocated: (1 << 20) + Int(perIteration * Double(done)))
            }
    }

    /// Issue 18: a clean row above its tolerance at N is judged by its run at 4N, as the audit
    /// judges a clean variant: a one-off step spreads out there, a leak's rate does not.
    @Test(arguments: [(0.0, true), (10.0, false)])
    func aCleanRowAboveItsToleranceIsJudgedByItsLongerRun(longerRate: Double, passes: Bool) throws {
        let configuration = try #require(AllocatorConfiguration.preset("jemalloc"))
        var short = makeRun(variant: "v", truth: cleanTruth, samples: Self.line(10, iterations: 2_000))
        short.configuration = configuration.name
        var long = makeRun(variant: "v", truth: cleanTruth, samples: Self.line(longerRate, iterations: 8_000))
        long.workloadIterations = 8_000
        long.configuration = configuration.name
        let row = ConfigurationRow(configuration: configuration, runs: [short], longer: long)
        #expect(row.longerRunIterations == 8_000)
        #expect(row.allocatedCheck?.withinTolerance == passes)
        #expect(ConfigurationRow(configuration: configuration, runs: [short]).allocatedCheck?.withinTolerance == false)
    }

    @Test func givenBackIsTheShareOfWorkloadGrowthReleasedInSettle() {
        let figures = RunFigures(makeRun(variant: "v", truth: leakTruth, samples: rssSamples(baseline: 10 * mib, end: 20 * mib, settled: 12 * mib)))
        #expect(figures.baselineRSS == 10 * mib)
        #expect(figures.endOfWorkloadRSS == 20 * mib)
        #expect(figures.afterSettleRSS == 12 * mib)
        #expect(figures.givenBack == 8 * mib)
        #expect(figures.settleAboveBaseline == 2 * mib)
        #expect(figures.givenBackFraction == 0.8)
    }

    @Test func growthTooSmallToJudgeHasNoGivenBackShare() {
        let small = RunFigures.minimumGrowthToJudge - 4_096
        let figures = RunFigures(makeRun(variant: "v", truth: cleanTruth, samples: rssSamples(baseline: 10 * mib, end: 10 * mib + small, settled: 10 * mib)))
        #expect(figures.givenBack == small)
        #expect(figures.givenBackFraction == nil)
    }

    @Test func giveBackTimeRunsFromTheLastWorkloadSampleToTheSettleSampleNearTheEnd() throws {
        let figures = RunFigures(makeRun(variant: "v", truth: leakTruth, samples: rssSamples(baseline: 10 * mib, end: 20 * mib, settled: 12 * mib)))
        // Settle samples at 0.6 s (16 MiB, not yet near 12 MiB) and 0.8 s (12 MiB); workload ended at 0.5 s.
        #expect(abs(try #require(figures.giveBackMillis) - 300) < 1e-6)
    }

    @Test func fragmentationIsResidentOverAllocatedWhereJemallocGivesResident() {
        let figures = RunFigures(
            makeRun(
                variant: "v", truth: leakTruth, samples: rssSamples(baseline: 10 * mib, end: 20 * mib, settled: 12 * mib, allocated: 4 * mib, resident: 6 * mib)
            ))
        #expect(figures.fragmentationBasis == "resident/allocated")
        #expect(figures.fragmentationAtEnd == 1.5)
        #expect(figures.fragmentationAfterSettle == 1.5)
    }

    @Test func fragmentationFallsBackToRSSOverAllocated() {
        let figures = RunFigures(
            makeRun(
                variant: "v", truth: leakTruth, allocator: .glibc, samples: rssSamples(baseline: 8 * mib, end: 8 * mib, settled: 8 * mib, allocated: 4 * mib)))
        #expect(figures.fragmentationBasis == "rss/allocated")
        #expect(figures.fragmentationAtStart == 2)
    }

    @Test func aSpreadIsTheMedianAndRangeOverSeeds() throws {
        let spread = try #require(Spread([3, 1, 2, 10]))
        #expect(spread.median == 2.5)
        #expect((spread.low, spread.high) == (1, 10))
        #expect(Spread([]) == nil)
    }

    @Test func aVerdictTakesTheSeedsMajorityAndAnEvenSplitIsNoVerdict() {
        let leaking = [true, true, false].map { makeRun(variant: "v", truth: leakTruth, verdicts: [verdict("rss", $0)]) }
        let cell = DetectorAcrossConfigurations.Cell(detector: "rss", runs: leaking)
        #expect(cell.leak == true)
        #expect((cell.leakVotes, cell.judged) == (2, 3))
        let split = [true, false].map { makeRun(variant: "v", truth: leakTruth, verdicts: [verdict("rss", $0)]) }
        #expect(DetectorAcrossConfigurations.Cell(detector: "rss", runs: split).leak == nil)
    }

    @Test func aDetectorWhoseVerdictDiffersBetweenConfigurationsIsFlagged() {
        let jemalloc = makeRun(variant: "v", truth: boundedTruth, verdicts: [verdict("rss", false)])
        var glibc = makeRun(variant: "v", truth: boundedTruth, allocator: .glibc, verdicts: [verdict("rss", true)])
        glibc.configuration = "glibc"
        let comparison = AllocatorComparison(
            configurations: [.init(name: "jemalloc", allocator: .jemalloc), .init(name: "glibc", allocator: .glibc)],
            runs: [jemalloc, glibc])
        let detector = comparison.variants[0].detectors.first { $0.detector == "rss" }
        #expect(detector?.changesWithConfiguration == true)
        #expect(comparison.variants[0].rows.map(\.configuration) == ["jemalloc", "glibc"])
    }

    @Test func mimallocGetsTheNoteThatItCountsNoBytes() {
        let comparison = AllocatorComparison(configurations: [.init(name: "mimalloc", allocator: .mimalloc)], runs: [])
        #expect(comparison.notes.contains(AllocatorTraits.mimalloc.comparisonNote!))
    }

    @Test func aRunServedByAnotherAllocatorIsAMismatch() {
        var run = makeRun(variant: "v", truth: cleanTruth, allocator: .tcmalloc)
        run.allocator.active = .glibc
        let comparison = AllocatorComparison(configurations: [.init(name: "tcmalloc", allocator: .tcmalloc)], runs: [run])
        #expect(comparison.allocatorMismatches.count == 1)
        #expect(comparison.allocatorMismatches[0].contains("requested tcmalloc"))
    }
}
