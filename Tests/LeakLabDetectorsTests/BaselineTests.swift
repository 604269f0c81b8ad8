import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabTestFixtures
import Testing

@Suite struct BaselineTests {
    static let runs = ScoringTests.runs
    static var baseline: Baseline { Baseline(scores: Scoring.score(runs), runs: runs) }

    @Test func aResultComparedWithItselfHasNoRegressions() throws {
        let decoded = try Baseline.decode(try Self.baseline.encoded())
        #expect(decoded == Self.baseline)
        let comparison = Baseline.compare(current: Self.baseline, baseline: decoded, tolerance: 0)
        #expect(comparison.passed)
        #expect(comparison.improvements.isEmpty)
    }

    @Test func aBaselineClaimingBetterScoresIsARegression() throws {
        var better = Self.baseline
        better.detectors["d"]!.overall = DetectorMetrics(tp: 3, fp: 0, fn: 0, tn: 2)
        let comparison = Baseline.compare(current: Self.baseline, baseline: better, tolerance: 0.02)
        #expect(!comparison.passed)
        #expect(Set(comparison.regressions.map(\.measure)) == ["precision", "recall", "f1"])
        #expect(comparison.regressions.allSatisfy { $0.scope == "overall" && $0.detector == "d" })
    }

    @Test func aDropWithinTheToleranceIsNoRegression() {
        var slightlyBetter = Self.baseline
        var metrics = slightlyBetter.detectors["d"]!.overall
        metrics.f1 = metrics.f1! + 0.01
        slightlyBetter.detectors["d"]!.overall = metrics
        #expect(Baseline.compare(current: Self.baseline, baseline: slightlyBetter, tolerance: 0.02).passed)
        #expect(!Baseline.compare(current: Self.baseline, baseline: slightlyBetter, tolerance: 0.005).passed)
    }

    @Test func aVerdictThatWasRightAndTurnedWrongIsARegression() {
        var current = Self.baseline
        current.detectors["d"]!.runs["cache/fixed/jemalloc"] = .wrong
        current.detectors["d"]!.runs["cache/leaky-c/jemalloc"] = .correct
        let comparison = Baseline.compare(current: current, baseline: Self.baseline)
        #expect(comparison.regressions.map(\.scope) == ["run cache/fixed/jemalloc"])
        #expect(comparison.improvements.map(\.scope) == ["run cache/leaky-c/jemalloc"])
    }

    @Test func recordsPerRunCorrectnessByScenarioVariantAndAllocator() {
        let runs = Self.baseline.detectors["d"]!.runs
        #expect(runs["cache/leaky-a/jemalloc"] == .correct)
        #expect(runs["cache/decoy/jemalloc"] == .wrong)
        #expect(runs["files/open/jemalloc"] == .failed)
    }

    @Test func aRunIsWrongWhenAnyRepeatIsWrong() {
        let runs = [
            makeRun(variant: "a", truth: leakTruth, seed: 1, verdicts: [verdict("d", true)]),
            makeRun(variant: "a", truth: leakTruth, seed: 2, verdicts: [verdict("d", false)]),
            makeRun(variant: "a", truth: leakTruth, seed: 3, verdicts: [verdict("d", nil)]),
        ]
        #expect(Baseline(scores: Scoring.score(runs), runs: runs).detectors["d"]!.runs["cache/a/jemalloc"] == .wrong)
    }

    @Test func detectorsAndRunsOnOneSideOnlyAreUnmatchedNotRegressions() {
        var partial = Self.baseline
        partial.detectors["other"] = partial.detectors["d"]
        partial.detectors["d"]!.runs["cache/gone/jemalloc"] = .correct
        let comparison = Baseline.compare(current: Self.baseline, baseline: partial)
        #expect(comparison.passed)
        #expect(comparison.unmatched.contains("detector other is in the baseline but was not run"))
        #expect(comparison.unmatched.contains("d: run cache/gone/jemalloc is in the baseline but was not run"))
    }

    @Test func decodingAForeignSchemaNamesTheSchema() {
        let data = Data(#"{"schema": "leaklab.run/1", "detectors": {}}"#.utf8)
        #expect(throws: BaselineError.wrongSchema(found: "leaklab.run/1", expected: "leaklab.baseline/1")) {
            try Baseline.decode(data)
        }
    }

    @Test func decodingWithoutSchemaSaysSchemaIsMissing() {
        #expect(throws: BaselineError.missingField("schema")) { try Baseline.decode(Data(#"{"detectors": {}}"#.utf8)) }
    }

    @Test func decodingAMissingNestedFieldNamesItsPath() throws {
        let json = #"{"schema": "leaklab.baseline/1", "detectors": {"trend": {"overall": {"tp": 1, "fp": 0, "fn": 0, "tn": 0, "failed": 0}, "runs": {}}}}"#
        let error = try #require(throws: BaselineError.self) { try Baseline.decode(Data(json.utf8)) }
        #expect(error == .missingField("detectors.trend.byPattern"))
        #expect(error.description == "baseline is missing field detectors.trend.byPattern")
    }

    @Test func decodingGarbageSaysItIsNotJSON() throws {
        let error = try #require(throws: BaselineError.self) { try Baseline.decode(Data("not json {".utf8)) }
        #expect(error.description.hasPrefix("baseline is corrupt: not valid JSON"))
        #expect(throws: BaselineError.notABaseline("the file is not a JSON object")) { try Baseline.decode(Data("[1, 2]".utf8)) }
    }

    @Test func decodingAMistypedFieldNamesIt() throws {
        let json =
            #"{"schema": "leaklab.baseline/1", "detectors": {"trend": {"overall": {"tp": "one", "fp": 0, "fn": 0, "tn": 0, "failed": 0}, "byPattern": {}, "runs": {}}}}"#
        let error = try #require(throws: BaselineError.self) { try Baseline.decode(Data(json.utf8)) }
        guard case .invalidField(let path, _) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(path == "detectors.trend.overall.tp")
    }
}
