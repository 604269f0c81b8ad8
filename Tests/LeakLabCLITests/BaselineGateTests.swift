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

        // Claim that a detector which misses leaks here found them all: the gate must fail.
        var claimed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: baseline))) as? [String: Any])
        var detectors = try #require(claimed["detectors"] as? [String: Any])
        let weak = detectors.keys.sorted().first { name in
            let overall = (detectors[name] as? [String: Any])?["overall"] as? [String: Any]
            return (overall?["recall"] as? Double ?? 1) < 0.9
        }
        let name = try #require(weak, "every detector finds every leak of this matrix: pick another claim")
        var claim = try #require(detectors[name] as? [String: Any])
        var overall = try #require(claim["overall"] as? [String: Any])
        overall["recall"] = 1.0
        overall["f1"] = 1.0
        claim["overall"] = overall
        detectors[name] = claim
        claimed["detectors"] = detectors
        try JSONSerialization.data(withJSONObject: claimed).write(to: URL(fileURLWithPath: baseline))
        let better = try CLI.run(Self.arguments + ["--baseline", baseline])
        #expect(better.status == 1, "\(better.stdout)")
        #expect(better.stdout.contains("worse: \(name) overall"), "\(better.stdout)")
    }
}
