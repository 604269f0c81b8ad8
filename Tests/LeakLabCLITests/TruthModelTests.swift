import Foundation
import Testing

/// The test-only plugin in Tests/Fixtures/TruthShapesPlugin (shapes truth model v2 exists for),
/// built once as a third party would build it and loaded with `--plugins`.
enum TruthShapesPlugin {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let packagePath = "\(root)/Tests/Fixtures/TruthShapesPlugin"
    static let scratchPath = "\(root)/.build-truthshapes"
    static let directory = "\(scratchPath)/release"
    static let scenarios = [
        "truth-onset", "truth-log-growth", "truth-late-cap", "truth-mapped-memory", "truth-random-fds",
        "truth-valgrind-shapes", "truth-outcomes",
    ]

    static let build: CLIResult = Shell.run(
        ["swift", "build", "-c", "release", "--package-path", packagePath, "--scratch-path", scratchPath])

    static func requireBuilt() throws {
        try #require(build.status == 0, "swift build of the truth-shapes plugin failed:\n\(build.stdout)\n\(build.stderr)")
    }
}

/// Truth model v2 end to end: real children run the test plugin's onset, log n, late-cap, mmap,
/// random-rate, valgrind-shaped and crashing variants; the audit passes each declared truth and
/// rejects it flipped (issue 12).
@Suite(.serialized) struct TruthModelTests {
    struct Audit {
        var status: Int32
        var stdout: String
        var rows: [String: [String: Any]]
        var mutation: [String: Any]
    }

    nonisolated(unsafe) static var cached: Audit?

    static func audit() throws -> Audit {
        if let cached { return cached }
        try TruthShapesPlugin.requireBuilt()
        let output = CLI.temporaryFile("truth-audit.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run(
            ["audit"] + TruthShapesPlugin.scenarios + ["--plugins", TruthShapesPlugin.directory, "--mutants", "--json", output, "--quiet"])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any], "\(result.stdout)\n\(result.stderr)")
        let rows = try #require(document["rows"] as? [[String: Any]])
        let audit = Audit(
            status: result.status, stdout: result.stdout,
            rows: Dictionary(uniqueKeysWithValues: rows.map { ($0["variant"] as? String ?? "", $0) }),
            mutation: try #require(document["mutation"] as? [String: Any]))
        cached = audit
        return audit
    }

    @Test func everyShapePassesItsDeclaredTruth() throws {
        let audit = try Self.audit()
        #expect(audit.rows.count == 13)
        for (variant, row) in audit.rows where variant != "truth-outcomes/crashes-undeclared" {
            let failures = (row["checks"] as? [[String: Any]] ?? []).filter { $0["passed"] as? Bool == false }
            #expect(row["passed"] as? Bool == true, "\(variant): \(failures)")
        }
    }

    @Test func aCrashThatIsNotDeclaredFailsTheAuditOnItsOutcome() throws {
        let audit = try Self.audit()
        #expect(audit.status == 1, "one variant crashes without declaring it: audit must exit 1")
        let row = try #require(audit.rows["truth-outcomes/crashes-undeclared"])
        let checks = try #require(row["checks"] as? [[String: Any]])
        #expect(checks.count == 1 && checks[0]["name"] as? String == "outcome" && checks[0]["declared"] as? String == "completed")
    }

    @Test func eachShapeWithItsTruthFlippedFailsTheAudit() throws {
        let audit = try Self.audit()
        let survivors = audit.mutation["survivors"] as? [[String: Any]] ?? []
        let flips: Set = [
            "leak-to-clean", "clean-to-leak", "bounded-to-leak", "leak-to-bounded", "kind-swapped", "onset-later", "onset-earlier", "sublinear-to-linear",
        ]
        for survivor in survivors {
            let mutation = survivor["mutation"] as? String ?? ""
            // A rate drawn at random per run may land where a doubled or halved mean still fits.
            let random = (survivor["variant"] as? String ?? "").hasPrefix("truth-random-fds/")
            #expect(!flips.contains(mutation) && random, "survived: \(survivor)")
        }
        let byVariant = try #require(audit.mutation["byVariant"] as? [String: [String: Int]])
        for variant in audit.rows.keys where !variant.hasPrefix("truth-outcomes/") {
            #expect((byVariant[variant]?["mutants"] ?? 0) >= 1, "\(variant) has mutants to kill")
        }
    }

    @Test func theMmapLeakIsAuditedOnNonHeapMemoryAndItsFixedTwinDiffers() throws {
        let audit = try Self.audit()
        func check(_ variant: String, _ name: String) -> [String: Any]? {
            (audit.rows[variant]?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == name }
        }
        // `measured` is the rate, followed by "(first quarter R)" when the first quarter's rate
        // differs by more than a tenth of the tolerance (it did in 4 of 6 runs of the old build too).
        func rate(_ check: [String: Any]) -> Double? {
            (check["measured"] as? String)?.split(separator: " ").first.flatMap { Double($0) }
        }
        let leaky = try #require(check("truth-mapped-memory/never-unmapped", "nonHeapBytes/iteration"))
        #expect(rate(leaky) ?? 0 > 15_000, "\(leaky)")
        #expect(leaky["passed"] as? Bool == true, "\(leaky)")
        let fixed = try #require(check("truth-mapped-memory/unmapped", "nonHeapBytes/iteration"))
        #expect(abs(rate(fixed) ?? 1e9) < 256, "\(fixed)")
    }

    /// `audit --reachability`: memcheck's lost blocks agree with the declared reachability of a
    /// half-lost tree (one block lost, one kept) and of blocks held only by interior pointers, and
    /// the swapped declarations are killed.
    @Test func declaredReachabilityIsCheckedWithMemcheck() throws {
        try TruthShapesPlugin.requireBuilt()
        let output = CLI.temporaryFile("reachability.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run([
            "audit", "truth-valgrind-shapes/half-lost-tree", "truth-valgrind-shapes/interior-pointer", "--plugins", TruthShapesPlugin.directory,
            "--reachability", "--mutants", "--iterations", "400", "--json", output, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        let checks = rows.flatMap { ($0["checks"] as? [[String: Any]]) ?? [] }.compactMap { $0["name"] as? String }
        #expect(checks.filter { $0 == "unreachable blocks (memcheck)" }.count == 2, "\(checks)")
        #expect(checks.contains("interior-pointer blocks (memcheck)"), "\(checks)")
        let mutation = try #require(document["mutation"] as? [String: Any])
        let survivors = mutation["survivors"] as? [[String: Any]] ?? []
        #expect(!survivors.contains { ($0["mutation"] as? String) == "reachability-swapped" }, "\(survivors)")
    }

    @Test func validateScoresOnlyRunsThatEndedAsDeclared() throws {
        try TruthShapesPlugin.requireBuilt()
        let output = CLI.temporaryFile("truth-validate.json")
        defer { for file in [output, output + ".journal.jsonl"] { try? FileManager.default.removeItem(atPath: file) } }
        let result = try CLI.run([
            "validate", "truth-outcomes", "--plugins", TruthShapesPlugin.directory, "--detectors", "trend",
            "--json", output, "--quiet",
        ])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let detectors = try #require(document["detectors"] as? [[String: Any]])
        let trend = try #require(detectors.first { $0["detector"] as? String == "trend" })
        #expect(trend["incomplete"] as? Int == 1, "the undeclared crash is counted apart: \(trend)")
        let scored = ["tp", "fp", "fn", "tn"].reduce(0) { $0 + (trend[$1] as? Int ?? 0) }
        #expect(scored == 1, "only the run that crashed as declared is scored: \(trend)")
    }
}
