import Foundation
import Testing

/// `compare-allocators` end to end: leaky and fixed variants under configurations of all four
/// allocators, two seeds each, each run verified active, with each configuration's options
/// reaching its children only.
@Suite struct CompareAllocatorsTests {
    static let configurations = ["jemalloc", "jemalloc-defaults", "lazy", "glibc-trim", "mimalloc", "tcmalloc-release"]
    static let allocatorOf = [
        "jemalloc": "jemalloc", "jemalloc-defaults": "jemalloc", "lazy": "jemalloc", "glibc-trim": "glibc", "mimalloc": "mimalloc",
        "tcmalloc-release": "tcmalloc",
    ]

    /// One comparison shared by the tests that read it: 4 variants × 6 configurations × 2 seeds, ~20 s.
    nonisolated(unsafe) static let shared: Result<(CLIResult, [String: Any]), any Error> = Result {
        let json = CLI.temporaryFile("compare.json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try CLI.run([
            "compare-allocators", "dictionary-cache/no-eviction", "dictionary-cache/lru-bounded", "unclosed-files",
            "--config", "jemalloc", "--config", "jemalloc-defaults", "--config", "lazy:jemalloc:dirty_decay_ms=5000",
            "--config", "glibc-trim", "--config", "mimalloc", "--config", "tcmalloc-release",
            "--repeat", "2", "--json", json, "--quiet",
        ])
        let data = (try? Data(contentsOf: URL(fileURLWithPath: json))) ?? Data("{}".utf8)
        return (result, (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func comparison() throws -> (CLIResult, [String: Any]) {
        let (result, document) = try Self.shared.get()
        try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        return (result, document)
    }

    /// `scenario/variant` → configuration → the row.
    func rows(_ document: [String: Any]) throws -> [String: [String: [String: Any]]] {
        let variants = try #require(document["variants"] as? [[String: Any]])
        var result: [String: [String: [String: Any]]] = [:]
        for variant in variants {
            let key = "\(variant["scenario"]!)/\(variant["variant"]!)"
            for row in try #require(variant["rows"] as? [[String: Any]]) {
                result[key, default: [:]][try #require(row["configuration"] as? String)] = row
            }
        }
        return result
    }

    @Test func everyRunIsServedByItsConfigurationsAllocator() throws {
        let (result, document) = try comparison()
        #expect(document["schema"] as? String == "leaklab.compare/2")
        let records = try #require(document["runs"] as? [[String: Any]])
        #expect(records.count == 4 * 6 * 2)
        for record in records {
            let allocator = try #require(record["allocator"] as? [String: Any])
            let configuration = try #require(record["configuration"] as? String)
            #expect(allocator["requested"] as? String == Self.allocatorOf[configuration])
            #expect(allocator["active"] as? String == allocator["requested"] as? String, "\(record["variant"] ?? "?"): \(allocator)")
        }
        #expect((document["allocatorMismatches"] as? [Any])?.isEmpty == true)
        #expect(result.stdout.contains("all 48 runs verified"))
        let names = try #require(document["configurations"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(names == Self.configurations)
    }

    @Test func theJemallocRowCountsExactlyAndMatchesTheTruthTheDefaultsAreMarkedApproximate() throws {
        let (result, document) = try comparison()
        let leaky = try #require(try rows(document)["dictionary-cache/no-eviction"])
        let exact = try #require(leaky["jemalloc"])
        #expect(exact["exactCounts"] as? Bool == true)
        #expect((exact["mallocConf"] as? String)?.contains("tcache:false") == true)
        #expect((exact["mallocConf"] as? String)?.contains("narenas:1") == true, "one arena: a sample costs the same whatever the threads")
        let check = try #require(exact["allocatedCheck"] as? [String: Any])
        let measured = try #require(check["measured"] as? Double), declared = try #require(check["declared"] as? Double)
        #expect(abs(measured - declared) <= (check["tolerance"] as? Double ?? 0), "jemalloc \(measured) B/it vs truth \(declared)")
        let defaults = try #require(leaky["jemalloc-defaults"])
        #expect(defaults["exactCounts"] as? Bool == false)
        #expect(defaults["mallocConf"] == nil, "jemalloc as shipped: no MALLOC_CONF")
        #expect(result.stdout.contains("≈"))
        let notes = try #require(document["notes"] as? [String])
        #expect(notes.contains { $0.hasPrefix("jemalloc-defaults:") && $0.contains("tcache") })
    }

    @Test func theFixedTwinsGrowthIsWithinItsNoiseUnderEveryAllocatorThatCounts() throws {
        let (_, document) = try comparison()
        let fixed = try #require(try rows(document)["dictionary-cache/lru-bounded"])
        for name in ["jemalloc", "lazy", "glibc-trim", "tcmalloc-release"] {
            let check = try #require(fixed[name]?["allocatedCheck"] as? [String: Any], "\(name)" as Comment)
            let measured = try #require(check["measured"] as? Double)
            #expect(abs(measured - (check["declared"] as? Double ?? 0)) <= (check["tolerance"] as? Double ?? 0), "\(name): \(measured) B/it")
        }
    }

    /// Issue 18: glibc counts the chunks in its per-thread tcache as in use, so with the cache on
    /// a clean variant's allocated bytes wander (38–56 B/iteration seen on the URLSession one). The
    /// `glibc` configuration runs with the cache off and counts exactly; `glibc-defaults` is
    /// glibc as shipped, marked approximate.
    @Test func glibcCountsExactlyWithItsThreadCacheOffAndItsDefaultsAreMarkedApproximate() throws {
        let json = CLI.temporaryFile("compare-glibc.json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try CLI.run([
            "compare-allocators", "field-urlsession-delegate/session-invalidated", "drip/clean",
            "--config", "glibc", "--config", "glibc-defaults", "--repeat", "2", "--json", json, "--quiet",
        ])
        try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        for (variant, byConfiguration) in try rows(document) {
            let exact = try #require(byConfiguration["glibc"], "\(variant)")
            #expect(exact["exactCounts"] as? Bool == true)
            let check = try #require(exact["allocatedCheck"] as? [String: Any], "\(variant)")
            let measured = try #require(check["measured"] as? Double), upper = try #require(check["upperBound"] as? Double)
            #expect(measured <= upper + 1e-9, "\(variant) under glibc: \(measured) B/it")
            #expect(byConfiguration["glibc-defaults"]?["exactCounts"] as? Bool == false, "\(variant)")
        }
    }

    /// Issue 18: fixed variants whose growth under jemalloc was off (the task-group ones by
    /// −10.8 and −54.8 B/iteration, giving back during the workload what warm-up built; the
    /// URLSession one by +27, sessions queued behind a busy machine) are within their declared
    /// noise under every allocator that counts, judged on one side as the audit judges them.
    @Test func fixedVariantsAreWithinTheirNoiseUnderEveryAllocatorThatCounts() throws {
        let json = CLI.temporaryFile("compare-fixed.json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try CLI.run([
            "compare-allocators", "field-task-group-release", "blocked-tasks/continuation-resumed",
            "field-urlsession-delegate/session-invalidated",
            "--config", "jemalloc", "--config", "glibc", "--config", "tcmalloc", "--repeat", "2", "--json", json, "--quiet",
        ])
        try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let variants = try #require(document["variants"] as? [[String: Any]])
        let fixed = variants.filter { $0["role"] as? String == "fixed" }
        #expect(fixed.count >= 3)
        for variant in fixed {
            let name = "\(variant["scenario"] ?? "")/\(variant["variant"] ?? "")"
            for row in try #require(variant["rows"] as? [[String: Any]]) {
                let check = try #require(row["allocatedCheck"] as? [String: Any], "\(name) \(row["configuration"] ?? "")")
                let measured = try #require(check["measured"] as? Double), upper = try #require(check["upperBound"] as? Double)
                #expect(measured <= upper + 1e-9, "\(name) under \(row["configuration"] ?? ""): \(measured) B/it")
                if let lower = check["lowerBound"] as? Double { #expect(measured >= lower - 1e-9, "\(name): \(measured) B/it") }
            }
        }
    }

    @Test func growthHasItsSpreadOverTheSeeds() throws {
        let (_, document) = try comparison()
        let row = try #require(try rows(document)["dictionary-cache/no-eviction"]?["glibc-trim"])
        #expect(row["seeds"] as? Int == 2)
        for key in ["allocatedPerIteration", "rssPerIteration"] {
            let spread = try #require(row[key] as? [String: Any], "\(key)")
            let values = try #require(spread["values"] as? [Double])
            #expect(values.count == 2)
            let low = try #require(spread["low"] as? Double), high = try #require(spread["high"] as? Double), median = try #require(spread["median"] as? Double)
            #expect(low <= median && median <= high && low == values.min() && high == values.max())
        }
    }

    @Test func givenBackAndHowLongItTookAreReportedPerConfiguration() throws {
        let (result, document) = try comparison()
        let leaky = try #require(try rows(document)["dictionary-cache/no-eviction"])
        for name in Self.configurations {
            let row = try #require(leaky[name], "\(name)")
            #expect(row["afterSettleRSS"] as? Int != nil && row["peakRSS"] as? Int != nil && row["givenBack"] as? Int != nil, "\(name)")
        }
        // "took" is there exactly where the row's median gave back 64 KiB or more (then some seed
        // gave back that much and was timed), and lies within settle.
        for (variant, byConfiguration) in try rows(document) {
            for (name, row) in byConfiguration {
                let given = row["givenBack"] as? Int ?? 0
                guard let took = row["giveBackMillis"] as? Double else {
                    #expect(given < 64 * 1024, "\(variant) \(name): \(given) B given back, not timed")
                    continue
                }
                #expect(took >= 0 && took < 1_000, "\(name): \(took) ms")
                #expect(given >= 64 * 1024, "\(variant) \(name): timed, but \(given) B given back")
            }
        }
        // malloc_trim at settle hands freed slack back to the kernel on most runs, but how much is
        // left to trim depends on the machine's load (the freed buffers may already be unmapped
        // during the workload): seen from 0 to 440 KiB on one variant. So no amount is required.
        let trimmed = try #require(leaky["glibc-trim"])
        #expect(trimmed["givenBack"] as? Int != nil)
        let fragmentation = try #require(leaky["jemalloc"]?["fragmentation"] as? [String: Any])
        #expect(fragmentation["basis"] as? String == "resident/allocated")
        #expect(fragmentation["workloadStart"] as? Double != nil && fragmentation["workloadEnd"] as? Double != nil)
        #expect(result.stdout.contains("took") && result.stdout.contains("given back"))
    }

    @Test func fdsTruthIsTheSameUnderEveryConfiguration() throws {
        let (_, document) = try comparison()
        let byVariant = try rows(document)
        for name in Self.configurations {
            let leaky = try #require(byVariant["unclosed-files/closed-on-happy-path-only"]?[name])
            let fixed = try #require(byVariant["unclosed-files/closed-with-defer"]?[name])
            #expect(abs((leaky["fdsPerIteration"] as? Double ?? 0) - 1) < 0.05, "\(name): \(leaky["fdsPerIteration"] ?? "-")")
            #expect(abs(fixed["fdsPerIteration"] as? Double ?? 1) < 0.05, "\(name)")
            #expect(abs(leaky["threadsPerIteration"] as? Double ?? 1) < 0.05, "\(name)")
        }
        let variants = try #require(document["variants"] as? [[String: Any]])
        #expect(variants.allSatisfy { ($0["resourceDifferences"] as? [Any])?.isEmpty == true })
    }

    @Test func mimallocCountsNoBytesAndTheOutputSaysWhy() throws {
        let (result, document) = try comparison()
        let row = try #require(try rows(document)["dictionary-cache/no-eviction"]?["mimalloc"])
        #expect(row["allocatedPerIteration"] == nil, "absent, never 0")
        #expect(row["fragmentation"] == nil)
        #expect(row["rssPerIteration"] as? [String: Any] != nil)
        #expect(result.stdout.contains("not measured"))
        let notes = try #require(document["notes"] as? [String])
        #expect(notes.contains { $0.contains("MI_STAT=0") && $0.contains("mi_stats_print_out") && $0.contains("mi_process_info") })
    }

    @Test func eachConfigurationsOptionsReachOnlyItsChildren() throws {
        let (_, document) = try comparison()
        for record in try #require(document["runs"] as? [[String: Any]]) {
            let options = record["allocatorOptions"] as? [String: String]
            let conf = record["mallocConf"] as? String
            switch record["configuration"] as? String {
            case "jemalloc":
                #expect(options == nil && conf == "tcache:false,narenas:1")
            case "jemalloc-defaults":
                #expect(options == nil && conf == nil)
            case "lazy":
                #expect(options == ["dirty_decay_ms": "5000"])
                #expect(conf == "tcache:false,narenas:1,dirty_decay_ms:5000")
            case "glibc-trim":
                #expect(options == ["trim-at-settle": "true"] && conf == nil)
            case "tcmalloc-release":
                #expect(options == ["release_rate": "10", "aggressive_decommit": "true"] && conf == nil)
            default:
                #expect(options == nil && conf == nil)
            }
        }
    }

    @Test func badConfigurationsAndOptionsExitTwoNamingThem() throws {
        let cases: [([String], String)] = [
            (["--config", "bogus"], "jemalloc-no-decay"),
            (["--config", "x:jemalloc:release_rate=10"], "not a jemalloc option"),
            (["--config", "glibc", "--allocators", "glibc"], "either --config or --allocators"),
            (["--allocator-option", "bogus"], "bogus"),
            (["--allocators", "glibc,mimalloc", "--allocator-option", "dirty_decay_ms=0"], "jemalloc"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(["compare-allocators", "unclosed-files", "--quiet"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
