import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabTestFixtures
import Testing

/// Faults seen in use (issue #17): names cut short, a misleading F1, a baseline that refused a result.
@Suite struct SmallFaultTests {
    @Test func theValidateTableKeepsLongDetectorNamesWhole() {
        let runs = [makeRun(variant: "leaky", truth: leakTruth, verdicts: [verdict("resident-delta", true), verdict("allocation-counter", true)])]
        let text = ValidateTable.render(runs: runs, scores: Scoring.score(runs, detectors: ["resident-delta", "allocation-counter"]))
        let header = text.split(separator: "\n")[0]
        #expect(header.contains("resident-delta "))
        #expect(header.contains("allocation-counter"))
    }

    @Test func perPatternF1SaysNoPositivesWhereAPatternHasNoLeakyVariant() {
        // A pattern with only a clean variant: F1 has no positives to be measured on, whether the
        // detector cried wolf (an FP) or not.
        let runs = [
            makeRun(variant: "leaky", truth: leakTruth, verdicts: [verdict("rss", true)]),
            makeRun(scenario: "files", variant: "closed", pattern: "unclosed-handles", truth: cleanTruth, verdicts: [verdict("rss", true)]),
            makeRun(scenario: "pool", variant: "trimmed", pattern: "pool-retention", truth: cleanTruth, verdicts: [verdict("rss", false)]),
        ]
        let text = ValidateTable.render(runs: runs, scores: Scoring.score(runs, detectors: ["rss"]))
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows.first { $0.hasPrefix("  unclosed-handles") }?.contains("no positives") == true)
        #expect(rows.first { $0.hasPrefix("  pool-retention") }?.contains("no positives") == true)
        #expect(rows.first { $0.hasPrefix("  unbounded-cache") }?.contains("1.00") == true)
    }

    @Test func listShowsVariantNamesOfSixtyFourCharactersWholeAndKeepsTheColumnsAligned() throws {
        let long = String(repeating: "a-long-variant-name-", count: 3) + "ends"  // 64 characters
        #expect(long.count == 64)
        let json = """
            {"schema": "leaklab.list/1", "refused": [],
             "plugins": [{"name": "caches", "path": "/x/libcaches.so", "apiVersion": 2}],
             "scenarios": [{"id": "cache", "title": "A cache", "pattern": "unbounded-cache", "plugin": "caches", "summary": "s",
               "defaultIterations": 2000, "defaultWarmUp": 100, "parameters": [], "references": [],
               "variants": [
                 {"name": "\(long)", "role": "leaky", "summary": "grows", "truth": \(String(decoding: try JSONEncoder().encode(leakTruth), as: UTF8.self))},
                 {"name": "short", "role": "fixed", "summary": "does not", "truth": \(String(decoding: try JSONEncoder().encode(cleanTruth), as: UTF8.self))}]}]}
            """
        let document = try JSONDecoder().decode(ListDocument.self, from: Data(json.utf8))
        let lines = ListText.render(document).split(separator: "\n").map(String.init)
        let leaky = try #require(lines.first { $0.contains(long) })
        let fixed = try #require(lines.first { $0.contains("short") })
        #expect(leaky.range(of: "leaky")?.lowerBound.utf16Offset(in: leaky) == fixed.range(of: "fixed")?.lowerBound.utf16Offset(in: fixed))
    }

    @Test func aPreviousValidateResultIsAcceptedAsABaseline() throws {
        let runs = [
            makeRun(variant: "leaky", truth: leakTruth, seed: 42, verdicts: [verdict("trend", true)]),
            makeRun(variant: "fixed", truth: cleanTruth, seed: 42, verdicts: [verdict("trend", true)]),
        ]
        let scores = Scoring.score(runs, detectors: ["trend"])
        let file = TemporaryFile("validate.json")
        try JSONOutput.write(ValidateDocument(shard: nil, matrix: runs.map(\.matrixKey), runs: runs, detectors: scores, errors: []), to: file.path)
        let baseline = try BaselineFile.load(file.path)
        #expect(baseline == Baseline(scores: scores, runs: runs))
        #expect(baseline.detectors["trend"]?.runs["cache/fixed/jemalloc"] == .wrong)
    }

    @Test func aBaselineFileIsStillReadAsOne() throws {
        let runs = [makeRun(variant: "leaky", truth: leakTruth, verdicts: [verdict("trend", true)])]
        let written = Baseline(scores: Scoring.score(runs, detectors: ["trend"]), runs: runs)
        let file = TemporaryFile("baseline.json")
        try written.encoded().write(to: URL(fileURLWithPath: file.path))
        #expect(try BaselineFile.load(file.path) == written)
    }

    @Test func aShardOfAValidateResultIsNotABaseline() throws {
        let runs = [makeRun(variant: "leaky", truth: leakTruth, seed: 42, verdicts: [verdict("trend", true)])]
        let file = TemporaryFile("shard.json")
        try JSONOutput.write(
            ValidateDocument(shard: "1/2", matrix: [], runs: runs, detectors: Scoring.score(runs, detectors: ["trend"]), errors: []), to: file.path)
        #expect { _ = try BaselineFile.load(file.path) } throws: { "\($0)".contains("leaklab merge") }
    }

    @Test func anythingElseIsRefusedNamingBothKindsOfFile() throws {
        let file = TemporaryFile("other.json")
        try Data(#"{"schema": "leaklab.power/1"}"#.utf8).write(to: URL(fileURLWithPath: file.path))
        #expect { _ = try BaselineFile.load(file.path) } throws: { error in
            "\(error)".contains("leaklab.baseline/1") && "\(error)".contains("leaklab.validate/1")
        }
    }
}
