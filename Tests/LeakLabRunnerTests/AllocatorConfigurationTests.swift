import Foundation
import LeakLabModel
import LeakLabRunner
import Testing

/// `--config NAME:ALLOCATOR[:k=v,…]` and the presets: one description every list derives from.
@Suite struct AllocatorConfigurationTests {
    func usageMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            guard case .usage(let message)? = error as? RunnerError else { return "not a usage error: \(error)" }
            return message
        }
    }

    @Test func thePresetsAreTheOnesTheIssueNamesAndTheDefaultsAreOnePerAllocator() {
        #expect(
            AllocatorConfiguration.presets.map(\.name) == [
                "jemalloc", "jemalloc-defaults", "jemalloc-no-decay", "glibc", "glibc-defaults", "glibc-trim", "tcmalloc", "tcmalloc-release",
                "mimalloc",
            ])
        #expect(AllocatorConfiguration.defaults.map(\.name) == AllocatorName.allCases.map(\.rawValue))
        #expect(AllocatorConfiguration.defaults.map(\.allocator) == AllocatorName.allCases)
    }

    /// Issue 18: glibc counts exactly (its per-thread cache off in every child) unless the
    /// configuration turns the cache back on.
    @Test func glibcCountsExactlyUnlessItIsTheDefaultsOrSetsTcacheCount() throws {
        #expect(try AllocatorConfiguration.parse("glibc").exactCounts)
        #expect(try AllocatorConfiguration.parse("glibc-trim").exactCounts)
        #expect(try !AllocatorConfiguration.parse("glibc-defaults").exactCounts)
        #expect(try !AllocatorConfiguration.parse("cached:glibc:tcache_count=3").exactCounts)
        #expect(try AllocatorConfiguration.parse("off:glibc:tcache_count=0").exactCounts)
    }

    @Test func jemallocCountsExactlyUnlessItIsTheDefaultsOrSetsTcache() throws {
        let exact = try AllocatorConfiguration.parse("jemalloc")
        #expect(exact.mallocConf == "tcache:false,narenas:1" && exact.exactCounts)
        let defaults = try AllocatorConfiguration.parse("jemalloc-defaults")
        #expect(defaults.mallocConf == nil && !defaults.exactCounts)
        let noDecay = try AllocatorConfiguration.parse("jemalloc-no-decay")
        #expect(noDecay.exactCounts && noDecay.options == ["dirty_decay_ms": "0", "muzzy_decay_ms": "0"])
        let custom = try AllocatorConfiguration.parse("lazy:jemalloc:dirty_decay_ms=30000")
        #expect(custom.name == "lazy" && custom.allocator == .jemalloc && custom.mallocConf == "tcache:false,narenas:1" && custom.exactCounts)
        #expect(try AllocatorConfiguration.parse("cached:jemalloc:tcache=true").exactCounts == false)
        #expect(try AllocatorConfiguration.parse("glibc-trim").options == ["trim-at-settle": "true"])
    }

    @Test func aCustomConfigurationMapsItsOptionsOntoItsAllocator() throws {
        let release = try AllocatorConfiguration.parse("fast:tcmalloc:release_rate=10,max_total_thread_cache_bytes=1MiB")
        #expect(release.options == ["release_rate": "10", "max_total_thread_cache_bytes": "1MiB"])
        let settings = try AllocatorOptions(release.options).environment(for: .tcmalloc)
        #expect(settings.variables["TCMALLOC_RELEASE_RATE"] == "10")
        let plain = try AllocatorConfiguration.parse("plain:glibc")
        #expect(plain.options.isEmpty && plain.allocator == .glibc)
    }

    @Test func badConfigurationsAreRefusedByName() {
        #expect(usageMessage { _ = try AllocatorConfiguration.parse("bogus") }?.contains("jemalloc-no-decay") == true)
        #expect(usageMessage { _ = try AllocatorConfiguration.parse("x:hoard") }?.contains("unknown allocator 'hoard'") == true)
        #expect(usageMessage { _ = try AllocatorConfiguration.parse("x:jemalloc:release_rate=10") }?.contains("not a jemalloc option") == true)
        #expect(usageMessage { _ = try AllocatorConfiguration.parse("x:glibc:trim_threshold=lots") }?.contains("trim_threshold") == true)
        #expect(usageMessage { _ = try AllocatorConfiguration.parse(":glibc") } != nil)
    }

    @Test func allocatorOptionsAddToEveryConfigurationOfTheirAllocatorAndOwnOptionsWin() throws {
        let extra = try AllocatorOptions(parsing: ["dirty_decay_ms=5", "trim-at-settle=true"])
        #expect(try AllocatorConfiguration.parse("jemalloc-no-decay").adding(extra).options["dirty_decay_ms"] == "0")
        #expect(try AllocatorConfiguration.parse("jemalloc").adding(extra).options == ["dirty_decay_ms": "5"])
        #expect(try AllocatorConfiguration.parse("tcmalloc").adding(extra).options.isEmpty)
    }
}
