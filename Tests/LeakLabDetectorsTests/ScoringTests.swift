import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabTestFixtures
import Testing

@Suite struct ScoringTests {
    static let runs: [RunRecord] = [
        makeRun(variant: "leaky-a", truth: leakTruth, verdicts: [verdict("d", true, rate: 1_100, first: 150)]),
        makeRun(variant: "leaky-b", truth: leakTruth, verdicts: [verdict("d", true, rate: 800, first: 400)]),
        makeRun(variant: "leaky-c", truth: leakTruth, verdicts: [verdict("d", false)]),
        makeRun(variant: "decoy", truth: boundedTruth, verdicts: [verdict("d", true, first: 300)]),
        makeRun(variant: "fixed", truth: cleanTruth, verdicts: [verdict("d", false)]),
        makeRun(scenario: "files", variant: "open", pattern: "unclosed-handles", truth: leakTruth, verdicts: [verdict("d", nil)]),
    ]

    @Test func countsTruePositivesFalsePositivesAndFailuresSeparately() throws {
        let score = try #require(Scoring.score(Self.runs).first)
        #expect(score.detector == "d")
        let m = score.overall
        #expect((m.tp, m.fp, m.fn, m.tn, m.failed) == (2, 1, 1, 1, 1))
        #expect(m.precision == 2.0 / 3)
        #expect(m.recall == 2.0 / 3)
        #expect(m.f1 == 4.0 / 6)
    }

    @Test func latencyIsMeasuredFromWorkloadStartOverTruePositivesOnly() throws {
        let m = try #require(Scoring.score(Self.runs).first).overall
        // (150 − 100) and (400 − 100); the decoy's 300 is a false positive and does not count.
        #expect(m.medianLatency == 175)
    }

    @Test func rateErrorIsTheMedianRelativeErrorOverTruePositives() throws {
        let m = try #require(Scoring.score(Self.runs).first).overall
        #expect(abs(m.medianRateError! - 0.15) < 1e-12)  // 0.1 and 0.2
    }

    @Test func splitsScoresByPattern() throws {
        let score = try #require(Scoring.score(Self.runs).first)
        #expect(score.byPattern.keys.sorted() == ["unbounded-cache", "unclosed-handles"])
        #expect(score.byPattern["unclosed-handles"]?.failed == 1)
        #expect(score.byPattern["unclosed-handles"]?.judged == 0)
    }

    @Test func undefinedRatiosAreNilAndAbsentFromJSON() throws {
        let m = DetectorMetrics(tp: 0, fp: 0, fn: 0, tn: 3)
        #expect(m.precision == nil && m.recall == nil && m.f1 == nil)
        let json = String(decoding: try JSONEncoder().encode(m), as: UTF8.self)
        #expect(!json.contains("precision") && !json.contains("f1"))
        let missedAll = DetectorMetrics(tp: 0, fp: 0, fn: 2, tn: 0)
        #expect(missedAll.precision == nil)
        #expect(missedAll.recall == 0 && missedAll.f1 == 0)
    }

    @Test func detectorScoreJSONHasTheSpecFieldsFlattenedAndRoundTrips() throws {
        let score = try #require(Scoring.score(Self.runs).first)
        let data = try JSONEncoder().encode(score)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["detector", "tp", "fp", "fn", "tn", "precision", "recall", "f1", "medianLatency", "medianRateError", "byPattern"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["overall"] == nil)
        #expect(try JSONDecoder().decode(DetectorScore.self, from: data) == score)
    }

    @Test func flipRateIsTheFractionOfRepeatGroupsWhoseVerdictsDiffer() {
        let runs = [
            makeRun(variant: "a", truth: leakTruth, seed: 1, verdicts: [verdict("d", true)]),
            makeRun(variant: "a", truth: leakTruth, seed: 2, verdicts: [verdict("d", false)]),
            makeRun(variant: "b", truth: cleanTruth, seed: 1, verdicts: [verdict("d", false)]),
            makeRun(variant: "b", truth: cleanTruth, seed: 2, verdicts: [verdict("d", false)]),
            makeRun(variant: "a", truth: leakTruth, allocator: .glibc, seed: 1, verdicts: [verdict("d", true)]),
            makeRun(variant: "c", truth: cleanTruth, seed: 1, verdicts: [verdict("d", nil)]),
            makeRun(variant: "c", truth: cleanTruth, seed: 2, verdicts: [verdict("d", true)]),
        ]
        let flips = Scoring.flipRate(runs, detector: "d")
        #expect(flips.groups == 2)  // a/jemalloc and b; a/glibc has one run, c one judged run
        #expect(flips.rate == 0.5)
        #expect(Scoring.flipRate(Array(runs.prefix(1)), detector: "d").rate == nil)
    }

    @Test func scoresEveryDetectorInOrderOfFirstAppearance() {
        let runs = [
            makeRun(variant: "a", truth: leakTruth, verdicts: [verdict("z", true), verdict("a", false)]),
            makeRun(variant: "b", truth: cleanTruth, verdicts: [verdict("m", false)]),
        ]
        #expect(Scoring.score(runs).map(\.detector) == ["z", "a", "m"])
        #expect(Scoring.score(runs).first { $0.detector == "m" }?.overall.judged == 1)
    }

    @Test func classifiesBoundedDecoysAsNegatives() {
        #expect(VerdictOutcome(verdict: verdict("d", true), truth: boundedTruth) == .falsePositive)
        #expect(VerdictOutcome(verdict: verdict("d", false), truth: boundedTruth) == .trueNegative)
        #expect(VerdictOutcome(verdict: verdict("d", nil), truth: leakTruth) == .failed)
    }
}
