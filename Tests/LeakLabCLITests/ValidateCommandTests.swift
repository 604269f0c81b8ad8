import Foundation
import Testing

/// `validate` end to end: real children, real plugins, scored detectors.
@Suite struct ValidateCommandTests {
    /// A quick matrix: an unreachable leak and its fixes, a reachable cache with decoys, an fd leak.
    static let scenarios = ["retain-cycle", "dictionary-cache", "unclosed-files"]
    static var root: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path }

    func document(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    func scores(_ document: [String: Any]) throws -> [String: [String: Any]] {
        let detectors = try #require(document["detectors"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: detectors.map { ($0["detector"] as! String, $0) })
    }

    @Test func validateScoresEveryBuiltInAndWritesJSONAndJUnit() throws {
        let json = CLI.temporaryFile("v.json"), junit = CLI.temporaryFile("v.xml")
        defer { for file in [json, junit, json + ".journal.jsonl"] { try? FileManager.default.removeItem(atPath: file) } }
        let result = try CLI.run(["validate"] + Self.scenarios + ["--json", json, "--junit", junit, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let output = try document(json)
        #expect(output["schema"] as? String == "leaklab.validate/1")
        let byDetector = try scores(output)
        #expect(Set(byDetector.keys) == ["thresholds", "trend", "settle", "resources", "rss", "resident-delta", "task-leak", "channels", "allocation-counter"])
        for (name, score) in byDetector {
            for field in ["tp", "fp", "fn", "tn", "byPattern"] { #expect(score[field] != nil, "\(name) lacks \(field)") }
        }
        let trend = try #require(byDetector["trend"])
        #expect((trend["f1"] as? Double ?? 0) >= 0.9, "trend F1 \(trend["f1"] ?? "-")")
        #expect(trend["fp"] as? Int == 0, "a decoy or fixed variant fooled trend")
        let runs = try #require(output["runs"] as? [[String: Any]])
        #expect(runs.count == 9)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"trend\" tests=\"9\""))
        #expect(xml.contains("<testcase classname=\"leaklab.rss."))
        let journal = try String(contentsOfFile: json + ".journal.jsonl", encoding: .utf8)
        #expect(journal.split(separator: "\n").count == 9, "every finished run is journaled")
    }

    /// A run that did not end as its variant declares (here: timed out) fails the gate with exit 1
    /// after every report is written; runs that end as declared (even crashes) do not.
    @Test func aRunThatDidNotEndAsDeclaredExitsOneAfterWritingTheReport() throws {
        try MisbehavingPlugin.requireBuilt()
        let json = CLI.temporaryFile("timeout.json")
        defer { for file in [json, json + ".journal.jsonl"] { try? FileManager.default.removeItem(atPath: file) } }
        let result = try CLI.run([
            "validate", "misbehaving-polite", "--plugins", MisbehavingPlugin.directory, "--time-budget", "1", "--detectors", "trend", "--json", json,
            "--quiet",
        ])
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("did not end as their variants declare") && result.stderr.contains("timed-out"), "\(result.stderr)")
        #expect(try document(json)["runs"] as? [Any] != nil, "the report is written")
    }

    @Test func aDetectorProgramIsScoredAndBrokenOnesFailWithoutStoppingValidate() throws {
        let directory = NSTemporaryDirectory() + "leaklab-detectors-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "import time\ntime.sleep(60)\n".write(toFile: "\(directory)/hangs.py", atomically: true, encoding: .utf8)
        try "print('certainly a leak, trust me')\n".write(toFile: "\(directory)/garbage.py", atomically: true, encoding: .utf8)
        let json = CLI.temporaryFile("cmd.json")
        defer {
            try? FileManager.default.removeItem(atPath: json)
            try? FileManager.default.removeItem(atPath: json + ".journal.jsonl")
        }
        let started = Date()
        let result = try CLI.run([
            "validate", "retain-cycle", "unclosed-files", "--detectors", "trend",
            "--detector-cmd", "python3 \(Self.root)/Scripts/detectors/slope_detector.py",
            "--detector-cmd", "python3 \(directory)/hangs.py",
            "--detector-cmd", "python3 \(directory)/garbage.py",
            "--detector-timeout", "2", "--json", json, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 60, "hanging detectors are killed at their time-out")
        let byDetector = try scores(try document(json))
        let slope = try #require(byDetector["slope_detector"])
        #expect((slope["tp"] as? Int ?? 0) + (slope["tn"] as? Int ?? 0) > 0, "the Python detector is scored like a built-in")
        #expect(slope["failed"] as? Int == 0)
        for broken in ["hangs", "garbage"] {
            let score = try #require(byDetector[broken])
            #expect(score["failed"] as? Int == 5, "\(broken) fails on every run")
            #expect((score["tp"] as? Int ?? 0) + (score["fp"] as? Int ?? 0) + (score["tn"] as? Int ?? 0) + (score["fn"] as? Int ?? 0) == 0)
        }
        let runs = try #require(try document(json)["runs"] as? [[String: Any]])
        let reasons = runs.flatMap { ($0["verdicts"] as? [[String: Any]] ?? []).compactMap { $0["failure"] as? String } }
        #expect(reasons.contains { $0.contains("timed out") })
        #expect(reasons.contains { $0.contains("invalid verdict") })
    }

    @Test func aBaselineClaimingBetterNumbersFailsAndItsOwnResultPasses() throws {
        let baseline = CLI.temporaryFile("baseline.json")
        defer { try? FileManager.default.removeItem(atPath: baseline) }
        let arguments = ["validate", "retain-cycle", "unclosed-files", "--detectors", "trend,rss", "--quiet"]
        let written = try CLI.run(arguments + ["--baseline", baseline, "--update-baseline"])
        #expect(written.status == 0, "\(written.stderr)")
        let same = try CLI.run(arguments + ["--baseline", baseline])
        #expect(same.status == 0, "own result as baseline: \(same.stdout)\n\(same.stderr)")

        // Claim rss was perfect: it is not, so this run regresses against the claim.
        var claimed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: baseline))) as? [String: Any])
        var detectors = try #require(claimed["detectors"] as? [String: Any])
        var rss = try #require(detectors["rss"] as? [String: Any])
        var overall = try #require(rss["overall"] as? [String: Any])
        overall["precision"] = 1.0
        overall["recall"] = 1.0
        overall["f1"] = 1.0
        rss["overall"] = overall
        detectors["rss"] = rss
        claimed["detectors"] = detectors
        try JSONSerialization.data(withJSONObject: claimed).write(to: URL(fileURLWithPath: baseline))
        let better = try CLI.run(arguments + ["--baseline", baseline])
        #expect(better.status == 1, "\(better.stdout)")
        #expect(better.stdout.contains("regression"))
    }

    @Test func aCorruptBaselineIsAUsageErrorBeforeAnythingRuns() throws {
        let baseline = CLI.temporaryFile("corrupt.json")
        defer { try? FileManager.default.removeItem(atPath: baseline) }
        try "{\"schema\": \"something-else/9\"}".write(toFile: baseline, atomically: true, encoding: .utf8)
        let result = try CLI.run(["validate", "retain-cycle", "--baseline", baseline, "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(baseline))
    }

    @Test func shardsMergedEqualTheUnshardedResult() throws {
        let files = (0..<3).map { CLI.temporaryFile("shard\($0).json") }
        defer {
            for file in files {
                try? FileManager.default.removeItem(atPath: file)
                try? FileManager.default.removeItem(atPath: file + ".journal.jsonl")
            }
        }
        let merged = CLI.temporaryFile("merged.json")
        defer { try? FileManager.default.removeItem(atPath: merged) }
        let arguments = ["validate"] + Self.scenarios + ["--detectors", "trend,resources", "--quiet"]
        #expect(try CLI.run(arguments + ["--json", files[0]]).status == 0)
        #expect(try CLI.run(arguments + ["--shard", "1/2", "--json", files[1]]).status == 0)
        #expect(try CLI.run(arguments + ["--shard", "2/2", "--json", files[2]]).status == 0)
        let merge = try CLI.run(["merge", files[2], files[1], "--json", merged])
        #expect(merge.status == 0, "\(merge.stderr)")

        let whole = try document(files[0]), joined = try document(merged)
        func keys(_ document: [String: Any]) -> [String] {
            (document["runs"] as? [[String: Any]] ?? []).map { "\($0["scenario"]!)/\($0["variant"]!)" }
        }
        #expect(keys(whole) == keys(joined))
        let wholeScores = try scores(whole), joinedScores = try scores(joined)
        for detector in ["trend", "resources"] {
            for field in ["tp", "fp", "fn", "tn"] {
                #expect(wholeScores[detector]?[field] as? Int == joinedScores[detector]?[field] as? Int, "\(detector) \(field)")
            }
        }
        let shard1 = try document(files[1])["runs"] as? [[String: Any]] ?? []
        #expect(!shard1.isEmpty && shard1.count < keys(whole).count)
    }

    @Test(arguments: [
        (["validate", "--shard", "3/2"], "--shard"),
        (["validate", "--detectors", "psychic"], "unknown detector 'psychic'"),
        (["validate", "--allocators", "hoard"], "unknown allocator 'hoard'"),
        (["validate", "--update-baseline"], "--update-baseline needs --baseline"),
    ])
    func badValidateInputExitsTwo(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
