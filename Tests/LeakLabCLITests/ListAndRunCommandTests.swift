import Foundation
import Testing

@Suite struct ListCommandTests {
    @Test func listJSONNamesEachPluginWithItsSharedLibraryAndEachVariantWithItsTruth() throws {
        let result = try CLI.run(["list", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "leaklab.list/1")
        let plugins = try #require(document["plugins"] as? [[String: Any]])
        let plugin = try #require(plugins.first { $0["name"] as? String == "blocked-tasks" })
        #expect((plugin["path"] as? String)?.hasSuffix("libLeakLabBlockedTasks.so") == true)
        #expect(plugin["apiVersion"] as? Int == 2)
        let scenarios = try #require(document["scenarios"] as? [[String: Any]])
        let scenario = try #require(scenarios.first { $0["id"] as? String == "blocked-tasks" })
        #expect(scenario["pattern"] as? String == "blocked-tasks")
        #expect(scenario["plugin"] as? String == "blocked-tasks")
        let variants = try #require(scenario["variants"] as? [[String: Any]])
        let leaky = try #require(variants.first { $0["name"] as? String == "continuation-never-resumed" })
        let truth = try #require(leaky["truth"] as? [String: Any])
        #expect(truth["verdict"] as? String == "leak")
        #expect(truth["reachable"] as? Bool == false)
        let perIteration = try #require(truth["perIteration"] as? [String: Any])
        #expect(Set(perIteration.keys) == ["bytes", "objects", "tasks", "threads", "fds", "nonHeapBytes"])
        #expect((perIteration["bytes"] as? Double ?? 0) > 1_000)
    }
}

@Suite struct RunCommandTests {
    @Test func runWritesTheRecordWithVerifiedAllocatorSamplesAndGrowth() throws {
        let output = CLI.temporaryFile("run.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run(["run", "blocked-tasks/continuation-never-resumed", "--iterations", "600", "--json", output, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("growth per workload iteration"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(record["schema"] as? String == "leaklab.run/1")
        #expect(record["outcome"] as? String == "completed")
        let allocator = try #require(record["allocator"] as? [String: Any])
        #expect(allocator["requested"] as? String == "jemalloc")
        #expect(allocator["active"] as? String == "jemalloc")
        let samples = try #require(record["samples"] as? [[String: Any]])
        let workload = try #require(samples.first { $0["phase"] as? String == "workload" })
        for key in [
            "t", "phase", "iteration", "allocated", "active", "resident", "mapped", "retained", "metadata", "mallocs", "frees", "rss", "fds", "threads",
        ] {
            #expect(workload[key] != nil, "sample lacks \(key)")
        }
    }

    @Test func runUnderGlibcLeavesOutWhatOnlyJemallocGives() throws {
        let output = CLI.temporaryFile("glibc.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run(["run", "blocked-tasks/continuation-resumed", "--allocator", "glibc", "--iterations", "300", "--json", output, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let allocator = try #require(record["allocator"] as? [String: Any])
        #expect(allocator["active"] as? String == "glibc")
        let samples = try #require(record["samples"] as? [[String: Any]])
        #expect(samples.allSatisfy { $0["resident"] == nil && $0["mallocs"] == nil && $0["rss"] != nil })
        #expect(result.stdout.contains("not available under glibc"))
    }

    @Test(arguments: [
        (["run", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["run", "blocked-tasks/no-such-variant"], "has no variant 'no-such-variant'"),
        (["run", "blocked-tasks", "--param", "bogus=1"], "parameter 'bogus'"),
        (["run", "blocked-tasks", "--param", "tasks-per-iteration=0"], "0 is outside 1...64"),
        (["run", "blocked-tasks", "--param", "novalue"], "--param expects k=v"),
        (["run", "blocked-tasks", "--allocator", "hoard"], "hoard"),
        (["run", "blocked-tasks", "--iterations", "1"], "--iterations must be at least 2"),
        (["list", "--plugins", "/nonexistent/dir"], "plugin directory /nonexistent/dir does not exist"),
    ])
    func badInputExitsTwoWithAMessageNamingTheProblem(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }
}
