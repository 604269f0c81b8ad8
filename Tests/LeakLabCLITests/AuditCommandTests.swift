import Foundation
import Testing

@Suite struct AuditCommandTests {
    /// The catalogue's declared truth holds when measured: every variant of every built plugin.
    @Test func theWholeCatalogueMatchesItsDeclaredTruth() throws {
        let output = CLI.temporaryFile("audit.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run(["audit", "--json", output])
        #expect(
            result.status == 0,
            "audit failed:\n\(result.stdout.split(separator: "\n").filter { $0.contains("MISMATCH") || $0.hasPrefix("  ") || $0.hasPrefix("audit") }.joined(separator: "\n"))\n\(result.stderr)"
        )
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(document["schema"] as? String == "leaklab.audit/2")
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.count >= 30)
        #expect(Set(rows.compactMap { $0["verdict"] as? String }) == ["leak", "clean", "bounded"])
    }

    @Test func auditingOneScenarioShowsEachVariantsChecks() throws {
        let result = try CLI.run(["audit", "blocked-threads"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("blocked-threads/semaphore-never-signalled"))
        #expect(result.stdout.contains("threads/iteration"))
        #expect(!result.stdout.contains("blocked-tasks/"), "only the named scenario runs")
    }

    @Test func anUnknownScenarioIsAUsageError() throws {
        let result = try CLI.run(["audit", "no-such-scenario"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown scenario 'no-such-scenario'"))
    }
}
