import Foundation
import Testing

/// `leaklab explain`, run as a user would, over the whole built-in catalogue.
@Suite struct ExplainCommandTests {
    /// Every scenario `list --json` knows, read once.
    static func scenarioIDs() throws -> [String] {
        let result = try CLI.run(["list", "--json"])
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let scenarios = document?["scenarios"] as? [[String: Any]] ?? []
        return scenarios.compactMap { $0["id"] as? String }
    }

    @Test func explainWorksForEveryListedScenarioAndShowsEveryVariantsRealCode() throws {
        let ids = try Self.scenarioIDs()
        #expect(ids.count >= 5)
        for id in ids {
            let result = try CLI.run(["explain", id, "--json"])
            #expect(result.status == 0, "\(id): \(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(id)")
            #expect(document["schema"] as? String == "leaklab.explain/1")
            let training = try #require(document["training"] as? [String: Any])
            for key in ["symptoms", "detection", "fix"] {
                #expect(!((training[key] as? String) ?? "").isEmpty, "\(id) has no \(key)")
            }
            let variants = try #require(document["variants"] as? [[String: Any]])
            #expect(!variants.isEmpty)
            for variant in variants {
                let source = try #require(variant["source"] as? [String: Any])
                // The source tree is here, so every region must be found: a missing one is a bad marker.
                #expect(source["unavailable"] == nil, "\(id)/\(variant["name"] ?? "?"): \(source["unavailable"] ?? "")")
                #expect(((source["code"] as? String) ?? "").contains("func "), "\(id)/\(variant["name"] ?? "?") code is empty")
            }
            let text = try CLI.run(["explain", id, "--no-side-by-side"])
            #expect(text.status == 0, "\(id): \(text.stderr)")
            for heading in ["How it shows", "How to find it", "The fix", "Variants", "Code: "] {
                #expect(text.stdout.contains(heading), "\(id) text lacks '\(heading)'")
            }
        }
    }

    @Test func explainShowsTheTrainingTextTheToolsAndTheLeakyCodeBesideItsFix() throws {
        let result = try CLI.run(["explain", "blocked-tasks", "--no-side-by-side"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pattern: blocked-tasks"))
        #expect(result.stdout.contains("Resume every continuation exactly once"))  // the fix
        #expect(result.stdout.contains("goroutine"))  // what it mirrors
        #expect(result.stdout.contains("await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in"))
        #expect(result.stdout.contains("continuation.resume()"))
        #expect(!result.stdout.contains("leaklab:begin"), "marker lines are stripped")
        // Unreachable leaks are memcheck's and LeakSanitizer's; reachable ones are not.
        #expect(result.stdout.contains("continuation-never-resumed (leak, unreachable): seen by memcheck, lsan"))
        // Derived from what each detector sees: the trace detectors in registry order, the tools last.
        #expect(result.stdout.contains("loop-never-cancelled (leak, reachable): seen by thresholds, trend"))
        #expect(result.stdout.replacingOccurrences(of: "\n    ", with: " ").contains("heaptrack, mtrace, memleak; missed by memcheck, lsan, heapcheck."))
        #expect(result.stdout.contains("Code: continuation-never-resumed (leaky) and continuation-resumed (fixed)"))
    }

    @Test func wideTerminalsGetTwoColumnsAndNarrowOnesOneAfterTheOther() throws {
        let wide = try CLI.run(["explain", "dictionary-cache"], environment: ["COLUMNS": "160"])
        #expect(wide.status == 0)
        let twoColumns = wide.stdout.split(separator: "\n").filter { $0.contains(" │ ") }
        #expect(twoColumns.contains { $0.contains("leaky: no-eviction") && $0.contains("fixed: lru-bounded") })
        #expect(twoColumns.allSatisfy { $0.count <= 160 })
        let narrow = try CLI.run(["explain", "dictionary-cache"], environment: ["COLUMNS": "80"])
        #expect(narrow.status == 0)
        #expect(!narrow.stdout.contains(" │ "))
        #expect(narrow.stdout.contains("cache[requestID] = computeResponse(for: requestID, bytes: valueBytes)"))
    }

    @Test func variantLimitsTheExplanationToOneVariant() throws {
        let result = try CLI.run(["explain", "dictionary-cache", "--variant", "finite-key-set", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let variants = try #require(document["variants"] as? [[String: Any]])
        #expect(variants.map { $0["name"] as? String } == ["finite-key-set"])
        let visibility = try #require(variants[0]["visibility"] as? [String: Any])
        #expect((visibility["mayFool"] as? [String])?.contains("rss") == true)
    }

    @Test(arguments: [
        (["explain", "no-such-scenario"], "unknown scenario 'no-such-scenario'. Known scenarios: blocked-tasks"),
        (["explain", "blocked-tasks", "--variant", "no-such-variant"], "has no variant 'no-such-variant'"),
        (["explain", "blocked-tasks/no-such-variant"], "has no variant 'no-such-variant'"),
    ])
    func unknownScenariosAndVariantsExitTwoNamingTheKnownOnes(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    /// jemalloc's leak profile names the Swift function that allocated the leaked bytes.
    @Test func explainAttributesALeaksBytesToTheFunctionThatAllocatedThem() throws {
        let result = try CLI.run(["explain", "retain-cycle/strong-self", "--attribute", "--no-side-by-side"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.split(separator: "\n").first { $0.contains("StrongSelfCycle.iteration") }
        #expect(line != nil, "\(result.stdout.suffix(800))")
        #expect(line?.contains("48 B per workload iteration") == true)
    }
}
