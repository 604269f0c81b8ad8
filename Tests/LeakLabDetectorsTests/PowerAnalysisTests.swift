import LeakLabDetectors
import Testing

/// `power`'s arithmetic on made-up observations: recall per cell, the minimum detectable leak,
/// false positives and latency.
@Suite struct PowerAnalysisTests {
    typealias Cell = PowerAnalysis.Cell

    static func observations(_ detector: String, _ hits: [Double: [Bool]], iterations: Int = 2_000, latency: Int = 40) -> [PowerAnalysis.Observation] {
        hits.flatMap { rate, verdicts in
            verdicts.map {
                PowerAnalysis.Observation(
                    detector: detector, cell: Cell(bytesPerIteration: rate, iterations: iterations, noise: 4),
                    leak: $0, latency: $0 ? latency : nil)
            }
        }
    }

    @Test func theMinimumDetectableLeakIsTheSmallestRateFromWhichOnRecallHolds() throws {
        // 16 B/it is found 20 of 20 times, but 32 B/it only 18 of 20: the MDL is 64.
        let runs = Self.observations(
            "d",
            [
                8: Array(repeating: false, count: 20), 16: Array(repeating: true, count: 20),
                32: Array(repeating: true, count: 18) + [false, false], 64: Array(repeating: true, count: 20),
                256: Array(repeating: true, count: 20),
            ])
        let power = try #require(PowerAnalysis.analyze(detectors: ["d"], observations: runs, negatives: []).first)
        #expect(power.minimumDetectable.count == 1)
        #expect(power.minimumDetectable.first?.iterations == 2_000)
        #expect(power.minimumDetectable.first?.bytesPerIteration == 64)
        #expect(power.cells.map(\.bytesPerIteration) == [8, 16, 32, 64, 256])
        #expect(power.cells[2].recall == 0.9)
        #expect(power.medianLatencyLarge == 40)
    }

    @Test func noMinimumWhenTheLargestRateIsMissedAndFailedRunsAreLeftOut() throws {
        var runs = Self.observations("d", [8: [true, true], 1_024: [true, false]])
        runs.append(.init(detector: "d", cell: Cell(bytesPerIteration: 8, iterations: 2_000, noise: 4), leak: nil, latency: nil))
        let power = try #require(PowerAnalysis.analyze(detectors: ["d"], observations: runs, negatives: []).first)
        #expect(power.minimumDetectable.first?.bytesPerIteration == nil)
        let small = try #require(power.cells.first)
        #expect(small.runs == 2 && small.failed == 1 && small.recall == 1)
    }

    @Test func falsePositivesCountJudgedNegativesOnly() throws {
        let negatives: [PowerAnalysis.NegativeObservation] = [
            .init(detector: "d", variant: "a/clean", leak: false), .init(detector: "d", variant: "a/clean", leak: true),
            .init(detector: "d", variant: "b/decoy", leak: false), .init(detector: "d", variant: "b/decoy", leak: nil),
            .init(detector: "e", variant: "a/clean", leak: true),
        ]
        let power = try #require(PowerAnalysis.analyze(detectors: ["d"], observations: [], negatives: negatives).first)
        #expect(power.negativeRuns == 3 && power.falsePositives == 1 && power.negativeFailures == 1)
        #expect(power.falseAlarms == ["a/clean"])
        #expect(power.falsePositiveRate == 1.0 / 3)
    }

    @Test func theSweepMapsRatesOntoTheDripsParameters() {
        #expect(PowerSweep.dripShape(bytesPerIteration: 64) == (64, 1))
        #expect(PowerSweep.dripShape(bytesPerIteration: 2) == (8, 4))
        let sweep = PowerSweep(rates: [16, 4], iterations: [500], noise: [0], repeats: 2)
        #expect(sweep.points.count == 4)
        #expect(sweep.points[0].parameters["every"] == "2")
        #expect(sweep.points.map(\.seed) == [42, 43, 42, 43])
    }
}
