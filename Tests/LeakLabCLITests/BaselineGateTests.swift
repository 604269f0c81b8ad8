import Foundation
import Testing

/// `validate --baseline` fails only on a real change (issue 14): the same code against its own
/// fresh baseline passes every time, flaky verdicts are reported as flaky; a baseline claiming a
/// better score still fails.
@Suite struct BaselineGateTests {
    /// The flakiest small matrix: RSS- and timing-sensitive verdicts on blocked tasks and threads.
    static let arguments = ["validate", "blocked-tasks", "blocked-threads", "--quiet"]

    @Test func theGatePassesOnItsOwnBaselineEveryTimeAndFailsOnABetterClaim() throws {
        let baseline = CLI.temporaryFile("gate-baseline.json")
        defer { try? FileManager.default.removeItem(atPath: baseline) }
        let written = try CLI.run(Self.arguments + ["--baseline", baseline, "--update-baseline"])
        try #require(written.status == 0, "\(written.stderr)")

        for attempt in 1...4 {
            let gate = try CLI.run(Self.arguments + ["--baseline", baseline])
            #expect(gate.status == 0, "gate run \(attempt): \(gate.stdout)\n\(gate.stderr)")
        }

        // Claim resources found every leak: it does not, so the gate must fail.
        var claimed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: baseline))) as? [String: Any])
        var detectors = try #require(claimed["detectors"] as? [String: Any])
        var resources = try #require(detectors["resources"] as? [String: Any])
        var overall = try #require(resources["overall"] as? [String: Any])
        let recall = try #require(overall["recall"] as? Double)
        try #require(recall < 0.9, "resources' recall is \(recall): pick another claim")
        overall["recall"] = 1.0
        overall["f1"] = 1.0
        resources["overall"] = overall
        detectors["resources"] = resources
        claimed["detectors"] = detectors
        try JSONSerialization.data(withJSONObject: claimed).write(to: URL(fileURLWithPath: baseline))
        let better = try CLI.run(Self.arguments + ["--baseline", baseline])
        #expect(better.status == 1, "\(better.stdout)")
        #expect(better.stdout.contains("worse: resources overall recall"), "\(better.stdout)")
    }
}
