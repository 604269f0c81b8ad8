import Foundation
import Testing

/// `compare-allocators` end to end: a leaky and a fixed variant under all four allocators, each
/// verified active, with allocator options reaching their children.
@Suite struct CompareAllocatorsTests {
    static let allocators = ["jemalloc", "glibc", "mimalloc", "tcmalloc"]

    /// One comparison shared by the tests that read it: 4 variants × 4 allocators, ~20 s.
    nonisolated(unsafe) static let shared: Result<(CLIResult, [String: Any]), any Error> = Result {
        let json = CLI.temporaryFile("compare.json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try CLI.run([
            "compare-allocators", "dictionary-cache/no-eviction", "dictionary-cache/lru-bounded", "unclosed-files",
            "--allocators", allocators.joined(separator: ","), "--allocator-option", "dirty_decay_ms=0",
            "--allocator-option", "trim-at-settle=true", "--json", json, "--quiet",
        ])
        let data = (try? Data(contentsOf: URL(fileURLWithPath: json))) ?? Data("{}".utf8)
        return (result, (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func comparison() throws -> (CLIResult, [String: Any]) {
        let (result, document) = try Self.shared.get()
        try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        return (result, document)
    }

    /// `scenario/variant` → allocator → the run's summary.
    func runs(_ document: [String: Any]) throws -> [String: [String: [String: Any]]] {
        let variants = try #require(document["variants"] as? [[String: Any]])
        var result: [String: [String: [String: Any]]] = [:]
        for variant in variants {
            let key = "\(variant["scenario"]!)/\(variant["variant"]!)"
            for run in try #require(variant["runs"] as? [[String: Any]]) {
                let allocator = try #require((run["allocator"] as? [String: Any])?["requested"] as? String)
                result[key, default: [:]][allocator] = run
            }
        }
        return result
    }

    @Test func everyRunIsServedByTheAllocatorItAskedFor() throws {
        let (result, document) = try comparison()
        #expect(document["schema"] as? String == "leaklab.compare/1")
        let records = try #require(document["runs"] as? [[String: Any]])
        #expect(records.count == 16)
        for record in records {
            let allocator = try #require(record["allocator"] as? [String: Any])
            #expect(allocator["active"] as? String == allocator["requested"] as? String, "\(record["variant"] ?? "?"): \(allocator)")
        }
        #expect((document["allocatorMismatches"] as? [Any])?.isEmpty == true)
        #expect(result.stdout.contains("all 16 runs verified"))
    }

    @Test func aLeakyAndAFixedVariantRunUnderEachAllocator() throws {
        let (_, document) = try comparison()
        let variants = try #require(document["variants"] as? [[String: Any]])
        for role in ["leaky", "fixed"] {
            let ofRole = variants.filter { $0["role"] as? String == role }
            #expect(!ofRole.isEmpty)
            for variant in ofRole {
                let runs = try #require(variant["runs"] as? [[String: Any]])
                let requested = runs.compactMap { ($0["allocator"] as? [String: Any])?["requested"] as? String }
                #expect(requested == Self.allocators)
                #expect(runs.allSatisfy { $0["outcome"] as? String == "completed" })
            }
        }
    }

    @Test func fdsTruthIsTheSameUnderAllFourAllocators() throws {
        let (_, document) = try comparison()
        let byVariant = try runs(document)
        for allocator in Self.allocators {
            let leaky = try #require(byVariant["unclosed-files/closed-on-happy-path-only"]?[allocator])
            let fixed = try #require(byVariant["unclosed-files/closed-with-defer"]?[allocator])
            #expect(abs((leaky["fdsPerIteration"] as? Double ?? 0) - 1) < 0.05, "\(allocator): \(leaky["fdsPerIteration"] ?? "-")")
            #expect(abs(fixed["fdsPerIteration"] as? Double ?? 1) < 0.05, "\(allocator)")
            #expect(abs(leaky["threadsPerIteration"] as? Double ?? 1) < 0.05, "\(allocator)")
        }
        let variants = try #require(document["variants"] as? [[String: Any]])
        #expect(variants.allSatisfy { ($0["resourceDifferences"] as? [Any])?.isEmpty == true })
    }

    @Test func allocatedGrowthIsCountedByThreeAllocatorsAndAbsentForMimalloc() throws {
        let (result, document) = try comparison()
        let leaky = try #require(try runs(document)["dictionary-cache/no-eviction"])
        for allocator in ["jemalloc", "glibc", "tcmalloc"] {
            let bytes = try #require(leaky[allocator]?["allocatedPerIteration"] as? Double, "\(allocator)")
            #expect(bytes > 100, "\(allocator): \(bytes) B/iteration")
            #expect(leaky[allocator]?["allocatedSource"] as? String != nil)
        }
        #expect(leaky["mimalloc"]?["allocatedPerIteration"] == nil, "absent, never 0")
        #expect(leaky["mimalloc"]?["rssPerIteration"] as? Double != nil)
        #expect(result.stdout.contains("not measured"))
        #expect(result.stdout.contains("given back"))
    }

    @Test func allocatorOptionsReachOnlyTheirAllocatorsChildren() throws {
        let (_, document) = try comparison()
        for record in try #require(document["runs"] as? [[String: Any]]) {
            let allocator = (record["allocator"] as? [String: Any])?["requested"] as? String
            let options = record["allocatorOptions"] as? [String: String]
            switch allocator {
            case "jemalloc":
                #expect(options == ["dirty_decay_ms": "0"])
                #expect((record["mallocConf"] as? String)?.contains("dirty_decay_ms:0") == true)
            case "glibc":
                #expect(options == ["trim-at-settle": "true"])
            default:
                #expect(options == nil)
                #expect(record["mallocConf"] == nil)
            }
        }
    }

    @Test func anOptionWithoutEqualsExitsTwoNamingIt() throws {
        let result = try CLI.run(["compare-allocators", "unclosed-files", "--allocator-option", "bogus", "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bogus"), "\(result.stderr)")
    }

    @Test func anOptionForAnAllocatorNotComparedExitsTwoNamingBoth() throws {
        let result = try CLI.run(["compare-allocators", "unclosed-files", "--allocators", "glibc,mimalloc", "--allocator-option", "dirty_decay_ms=0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("dirty_decay_ms") && result.stderr.contains("jemalloc"), "\(result.stderr)")
    }
}
