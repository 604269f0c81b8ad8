import LeakLabKit
import LeakLabModel
import Testing

/// The audit v2 rules on synthetic runs: each rule passes the truth the trace has and refutes a
/// wrong one. (The end-to-end audit of real plugins is in LeakLabCLITests/TruthModelTests.)
@Suite struct TruthAuditTests {
    /// A completed run whose `allocated` is `bytes(workload iteration)` and live objects
    /// `objects(…)`, sampled every 10 iterations, then a settle sample at `settleBytes`.
    func run(
        _ truth: GroundTruth, iterations: Int = 1_000, bytes: (Int) -> Int, objects: ((Int) -> Int)? = nil,
        settleBytes: Int? = nil, outcome: RunOutcome = .completed
    ) -> RunRecord {
        func sample(_ phase: Phase, _ i: Int, _ allocated: Int) -> Sample {
            Sample(
                t: Double(i), phase: phase, iteration: i, allocated: allocated, mallocs: 10_000 + (objects ?? { $0 / 100 })(i), frees: 10_000, fds: 5,
                threads: 3)
        }
        var samples = [sample(.setUp, 0, bytes(0)), sample(.warmUp, 0, bytes(0))]
        for i in stride(from: 10, through: iterations, by: 10) { samples.append(sample(.workload, i, bytes(i))) }
        samples.append(sample(.settle, iterations, settleBytes ?? bytes(iterations)))
        return RunRecord(
            scenario: "s", variant: "v", pattern: "p", role: .leaky, plugin: "p",
            allocator: AllocatorReport(requested: .jemalloc, active: .jemalloc), parameters: [:], warmUpIterations: 0,
            workloadIterations: iterations, sampleEvery: 10, truth: truth, outcome: outcome, budgets: .default,
            wallSeconds: 1, unavailableMetrics: [], samples: samples)
    }

    func evidence(_ truth: GroundTruth, bytes: @escaping (Int) -> Int, objects: ((Int) -> Int)? = nil, settle: ((Int) -> Int)? = nil) -> TruthAudit.Evidence {
        TruthAudit.Evidence(
            primary: run(truth, iterations: 1_000, bytes: bytes, objects: objects, settleBytes: settle?(1_000)),
            longer: run(truth, iterations: 4_000, bytes: bytes, objects: objects, settleBytes: settle?(4_000)))
    }

    func failed(_ checks: [TruthAudit.Check]) -> [String] { checks.filter { !$0.passed }.map(\.name) }

    @Test func aLeakAtItsDeclaredRatePassesAndAWrongRateFailsNamingBothNumbers() throws {
        let truth = GroundTruth.leak(.heap(.reachable, bytes: 1_000, objects: 1))
        let leak = evidence(truth, bytes: { 1_000 * $0 }, objects: { $0 })
        #expect(failed(TruthAudit.checks(for: leak)).isEmpty)
        var halved = leak
        halved.primary.truth = .leak(.heap(.reachable, bytes: 500, objects: 1))
        halved.longer?.truth = halved.primary.truth
        let bytes = try #require(TruthAudit.checks(for: halved).first { $0.name == "bytes/iteration" })
        #expect(!bytes.passed && bytes.measured == "1000" && bytes.declared.hasPrefix("500 ± 25"))
    }

    @Test func aLeakWhoseTolerancesAllAdmitZeroIsRefused() {
        // Plugin API v1 always allowed 64 B: a 48 B leak could not be told from nothing.
        let v1 = GroundTruth.leak(reachable: false, bytes: 48, objects: 1)
        let checks = TruthAudit.checks(for: evidence(v1, bytes: { 48 * $0 }, objects: { $0 }))
        #expect(failed(checks).contains("leak testable"))
        #expect(checks.contains { $0.name == "bytes/iteration testable" && $0.measured.hasPrefix("not testable") })
        let v2 = GroundTruth.leak(.heap(.unreachable, bytes: 48, objects: 1))
        #expect(failed(TruthAudit.checks(for: evidence(v2, bytes: { 48 * $0 }, objects: { $0 }))).isEmpty)
    }

    @Test func aLeakWithAnOnsetIsReadAfterItAndNothingMayGrowBefore() {
        let onsetBytes: (Int) -> Int = { 256 * max(0, $0 - 600) }
        let truth = GroundTruth.leak(.heap(.reachable, bytes: 256, objects: 1), shape: .onset(.iteration(600)))
        let leak = evidence(truth, bytes: onsetBytes, objects: { max(0, $0 - 600) })
        #expect(failed(TruthAudit.checks(for: leak)).isEmpty)
        // Declared later than it starts: growth shows before the declared onset.
        #expect(!failed(TruthAudit.checks(for: leak, mutation: .onsetLater)).isEmpty)
        #expect(!failed(TruthAudit.checks(for: leak, mutation: .onsetEarlier)).isEmpty)
    }

    @Test func growthLikeLogNFailsACleanDeclarationAndPassesASublinearOne() {
        // 128 KiB more per doubling of the iterations.
        let logBytes: (Int) -> Int = { 131_072 * (Int.bitWidth - ($0 + 2).leadingZeroBitCount) }
        let clean = evidence(.clean(), bytes: logBytes)
        #expect(failed(TruthAudit.checks(for: clean)).contains { $0.contains("held after settle") })
        let sublinear = evidence(.leak(.heap(.reachable, bytes: 0, objects: 0), shape: .sublinear(.logarithmic)), bytes: logBytes)
        #expect(failed(TruthAudit.checks(for: sublinear)).isEmpty)
        #expect(!failed(TruthAudit.checks(for: sublinear, mutation: .leakToClean)).isEmpty)
    }

    @Test func aBoundedVariantIsJudgedOnTheLongerRun() {
        // Fills until iteration 900 of a 1,000-iteration run: only the longer run shows the plateau.
        let late = evidence(.bounded(reachedBy: .iteration(900)), bytes: { 1_000 * min($0, 900) })
        #expect(failed(TruthAudit.checks(for: late)).isEmpty)
        let neverStops = evidence(.bounded(), bytes: { 1_000 * $0 })
        #expect(failed(TruthAudit.checks(for: neverStops)).contains("bytes bounded at 4000 it."))
        let givenBack = evidence(.bounded(), bytes: { 1_000 * $0 }, settle: { _ in 0 })
        #expect(failed(TruthAudit.checks(for: givenBack)).isEmpty)
        // A leak that gives everything back in settle is not a leak.
        #expect(!failed(TruthAudit.checks(for: givenBack, mutation: .boundedToLeak)).isEmpty)
    }

    /// A table that fills to ~220 KiB by iteration 800 and holds it (an outside plugin's decoy),
    /// declared clean: its rate at 4N is 0 and it grows too little for the N-vs-4N check, so
    /// the heap's peak and what it keeps after settle refute it; declared bounded it passes, and
    /// the bounded-to-clean mutant of it is killed. A clean variant whose runtime moves by a few
    /// KiB passes.
    @Test func aVariantThatFillsAndHoldsIsBoundedNotClean() {
        let fills: (Int) -> Int = { 280 * min($0, 800) }
        let asClean = evidence(.clean(), bytes: fills, objects: { _ in 0 })
        let refuted = failed(TruthAudit.checks(for: asClean))
        #expect(refuted.contains("heap peak above baseline") && refuted.contains("back to baseline"), "\(refuted)")
        let asBounded = evidence(.bounded(reachedBy: .iteration(800)), bytes: fills, objects: { _ in 0 })
        #expect(failed(TruthAudit.checks(for: asBounded)).isEmpty, "\(TruthAudit.checks(for: asBounded).filter { !$0.passed })")
        #expect(!failed(TruthAudit.checks(for: asBounded, mutation: .boundedToClean)).isEmpty)
        let runtimeNoise = evidence(.clean(), bytes: { $0 == 500 ? 20_000 : 3_000 }, objects: { _ in 0 })
        #expect(failed(TruthAudit.checks(for: runtimeNoise)).isEmpty, "\(TruthAudit.checks(for: runtimeNoise).filter { !$0.passed })")
    }

    /// A transient of the runtime in one run only (a worker's caches filled, then freed) does
    /// not fail a clean variant: the peak must be in the longer run too.
    @Test func aPeakInOneRunOnlyIsNotGrowth() {
        var once = evidence(.clean(), bytes: { _ in 0 }, objects: { _ in 0 })
        once.primary = run(.clean(), iterations: 1_000, bytes: { $0 == 500 ? 200_000 : 0 }, objects: { _ in 0 })
        let peak = TruthAudit.checks(for: once).first { $0.name == "heap peak above baseline" }
        #expect(peak?.passed == true, "\(String(describing: peak))")
    }

    /// A buffer that fills for 300 iterations and is cleared (an outside plugin's decoy): each
    /// tooth rises steeply, yet the peaks and troughs stay put, so it is bounded; the same teeth
    /// on a slow leak lift both, and are not.
    @Test func aSawtoothIsBoundedAndASawtoothOnALeakIsNot() {
        let sawtooth = evidence(.bounded(), bytes: { 512 * ($0 % 300) })
        #expect(failed(TruthAudit.checks(for: sawtooth)).isEmpty, "\(TruthAudit.checks(for: sawtooth).filter { !$0.passed })")
        let onALeak = evidence(.bounded(), bytes: { 512 * ($0 % 300) + 12 * $0 })
        #expect(failed(TruthAudit.checks(for: onALeak)).contains("bytes bounded at 4000 it."))
    }

    /// Declared reachability is checked against what memcheck saw lost, when it was measured: a
    /// leak declared unreachable must lose its blocks, one declared reachable must not, and the
    /// swapped declaration is killed only where reachability was measured.
    @Test func declaredReachabilityIsCheckedAgainstTheBlocksMemcheckFoundLost() {
        let unreachable = GroundTruth.leak(.heap(.unreachable, bytes: 1_000, objects: 1))
        let reachable = GroundTruth.leak(.heap(.reachable, bytes: 1_000, objects: 1))
        var evidence = evidence(unreachable, bytes: { 1_000 * $0 }, objects: { $0 })
        let lost = ReachabilityGrowth(lostBlocks: 1, possiblyLostBlocks: 0, lostBytes: 1_000, note: "memcheck")
        let kept = ReachabilityGrowth(lostBlocks: 0, possiblyLostBlocks: 0, lostBytes: 0, note: "memcheck")
        #expect(!TruthAudit.checks(for: evidence).contains { $0.name.contains("memcheck") }, "nothing to check without a measurement")
        #expect(!MutantResult.results(variant: "v", evidence: evidence).contains { $0.mutation == .reachabilitySwapped })
        evidence.reachability = lost
        #expect(failed(TruthAudit.checks(for: evidence)).isEmpty)
        // More lost than declared in all (glibc under valgrind loses a runtime block more now and
        // then) still says every declared block is lost.
        evidence.reachability = ReachabilityGrowth(lostBlocks: 1.3, possiblyLostBlocks: 0, lostBytes: 1_300, note: "memcheck")
        #expect(failed(TruthAudit.checks(for: evidence)).isEmpty)
        evidence.reachability = lost
        #expect(MutantResult.results(variant: "v", evidence: evidence).first { $0.mutation == .reachabilitySwapped }?.killed == true)
        evidence.reachability = kept
        #expect(failed(TruthAudit.checks(for: evidence)) == ["unreachable blocks (memcheck)"])
        var cache = self.evidence(reachable, bytes: { 1_000 * $0 }, objects: { $0 })
        cache.reachability = kept
        #expect(failed(TruthAudit.checks(for: cache)).isEmpty)
        cache.reachability = lost
        #expect(failed(TruthAudit.checks(for: cache)) == ["unreachable blocks (memcheck)"])
    }

    /// A leak whose onset lies beyond both runs (or leaves no samples after it) cannot be tested
    /// and is refused, not passed on its flat "before the onset" checks.
    @Test func aLeakWhoseOnsetIsBeyondBothRunsIsRefused() {
        let beyond = evidence(.leak(.heap(.unreachable, bytes: 256, objects: 1), shape: .onset(.iteration(100_000))), bytes: { _ in 0 }, objects: { _ in 0 })
        #expect(failed(TruthAudit.checks(for: beyond)).contains("leak measurable after its onset"))
        let atTheEnd = evidence(.leak(.heap(.unreachable, bytes: 256, objects: 1), shape: .onset(.fraction(0.999))), bytes: { _ in 0 }, objects: { _ in 0 })
        #expect(failed(TruthAudit.checks(for: atTheEnd)).contains("leak measurable after its onset"))
        let late = evidence(
            .leak(.heap(.unreachable, bytes: 256, objects: 1), shape: .onset(.iteration(600))), bytes: { 256 * max(0, $0 - 600) }, objects: { max(0, $0 - 600) }
        )
        #expect(!failed(TruthAudit.checks(for: late)).contains("leak measurable after its onset"))
    }

    @Test func everyVariantEndsAsItDeclares() {
        let crashed = TruthAudit.Evidence(primary: run(.clean(), bytes: { _ in 0 }, outcome: .crashed))
        let checks = TruthAudit.checks(for: crashed)
        #expect(checks.count == 1 && checks[0].name == "outcome" && !checks[0].passed)
        let declared = TruthAudit.Evidence(
            primary: run(.leak(.heap(.reachable, bytes: 1_024, objects: 1), expectedOutcome: .crashed), bytes: { 1_024 * $0 }, outcome: .crashed))
        #expect(failed(TruthAudit.checks(for: declared)).isEmpty)
    }

    @Test func mutantsOfACleanAndALeakyVariantAreAllKilled() {
        let clean = evidence(.clean(), bytes: { _ in 4_096 }, objects: { _ in 0 })
        let leak = evidence(.leak(.heap(.unreachable, bytes: 48, objects: 1)), bytes: { 48 * $0 }, objects: { $0 })
        let results = MutantResult.results(variant: "s/clean", evidence: clean) + MutantResult.results(variant: "s/leak", evidence: leak)
        #expect(results.count >= 7)
        let survivors = results.filter { !$0.killed }
        #expect(survivors.isEmpty, "survivors: \(survivors)")
    }

    @Test func aOneOffCostIsWhatStaysAfterTearDown() {
        var record = run(.clean(oneOff: Leakage(bytes: 7_040, objects: 110)), bytes: { _ in 0 }, objects: { _ in 0 })
        record.samples.append(Sample(t: 9_999, phase: .tearDown, iteration: 1_000, allocated: 7_040, mallocs: 10_110, frees: 10_000))
        let checks = TruthAudit.checks(for: TruthAudit.Evidence(primary: record))
        #expect(checks.first { $0.name == "bytes one-off" }?.passed == true)
        #expect(checks.first { $0.name == "objects one-off" }?.passed == true)
    }
}
