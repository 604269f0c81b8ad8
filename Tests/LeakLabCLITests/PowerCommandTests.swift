import Foundation
import Testing

/// `leaklab power` end to end on the drip family: real children, real jemalloc, a small sweep.
@Suite struct PowerCommandTests {
    @Test func aSmallSweepReportsRecallMinimumAndFalsePositives() throws {
        let output = CLI.temporaryFile("power.json")
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: output + ".journal.jsonl")
        }
        let result = try CLI.run([
            "power", "--rates", "64,1024", "--iterations", "400", "--repeat", "1", "--negatives", "drip",
            "--detectors", "channels,settle", "--json", output, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("MDL@400it"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(document["schema"] as? String == "leaklab.power/1")
        let detectors = try #require(document["detectors"] as? [[String: Any]])
        #expect(detectors.compactMap { $0["detector"] as? String } == ["channels", "settle"])
        let channels = try #require(detectors.first)
        // 1 KiB per iteration over 400 iterations is found; the drip's clean and sawtooth runs are negatives.
        let cells = try #require(channels["cells"] as? [[String: Any]])
        #expect(cells.first { $0["bytesPerIteration"] as? Double == 1_024 }?["recall"] as? Double == 1)
        #expect(channels["negativeRuns"] as? Int == 2)
        #expect(channels["falsePositives"] as? Int == 0)

        // Resumed: nothing runs again, and the same report comes out.
        let again = try CLI.run([
            "power", "--rates", "64,1024", "--iterations", "400", "--repeat", "1", "--negatives", "drip",
            "--detectors", "channels,settle", "--json", output, "--resume",
        ])
        #expect(again.status == 0)
        #expect(again.stderr.contains("4 of 4 runs already done"), "\(again.stderr)")
    }
}
