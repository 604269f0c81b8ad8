import Foundation
import LeakLabModel
import LeakLabRunner
import Testing

/// `--allocator-option` parsing, checking and mapping onto each allocator's switches.
@Suite struct AllocatorOptionsTests {
    func options(_ arguments: String...) throws -> AllocatorOptions {
        try AllocatorOptions(parsing: arguments)
    }

    /// The usage message `body` throws, `nil` when it throws nothing.
    func usageMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            guard case .usage(let message)? = error as? RunnerError else { return "not a usage error: \(error)" }
            return message
        }
    }

    @Test func anArgumentWithoutEqualsIsRefusedByName() {
        let message = usageMessage { _ = try AllocatorOptions(parsing: ["bogus"]) }
        #expect(message?.contains("'bogus'") == true)
        #expect(message?.contains("KEY=VALUE") == true)
        #expect(usageMessage { _ = try AllocatorOptions(parsing: ["=1"]) } != nil)
        #expect(usageMessage { _ = try AllocatorOptions(parsing: ["tcache="]) } != nil)
    }

    @Test func aKeyGivenTwiceWithDifferentValuesIsRefused() {
        #expect(usageMessage { _ = try AllocatorOptions(parsing: ["tcache=false", "tcache=true"]) }?.contains("twice") == true)
        #expect(usageMessage { _ = try AllocatorOptions(parsing: ["tcache=false", "tcache=false"]) } == nil)
    }

    @Test func jemallocOptionsBecomeMallocConfEntries() throws {
        let settings = try options("dirty_decay_ms=0", "muzzy_decay_ms=-1", "background_thread=true", "tcache=false", "narenas=1")
            .environment(for: .jemalloc)
        #expect(settings.listed["MALLOC_CONF"] == ["background_thread:true", "dirty_decay_ms:0", "muzzy_decay_ms:-1", "narenas:1", "tcache:false"])
        #expect(settings.listed["GLIBC_TUNABLES"] == nil && settings.variables.isEmpty && !settings.trimAtSettle)
        #expect(settings.applied.count == 5)
    }

    @Test func anUnknownKeyPassesThroughToJemallocOnly() throws {
        let options = try options("percpu_arena=percpu")
        #expect(try options.environment(for: .jemalloc).listed["MALLOC_CONF"] == ["percpu_arena:percpu"])
        #expect(try options.environment(for: .glibc).applied.isEmpty)
        let message = usageMessage { try options.validate(for: [.glibc, .tcmalloc]) }
        #expect(message?.contains("percpu_arena") == true && message?.contains("jemalloc") == true)
    }

    @Test func glibcOptionsBecomeTunablesInBytes() throws {
        let settings = try options("trim_threshold=128KiB", "M_MMAP_THRESHOLD=65536", "glibc.malloc.arena_max=2").environment(for: .glibc)
        // In the order of the keys as given, sorted: stable environments from run to run.
        #expect(
            settings.listed["GLIBC_TUNABLES"] == [
                "glibc.malloc.mmap_threshold=65536", "glibc.malloc.arena_max=2", "glibc.malloc.trim_threshold=131072",
            ])
        #expect(settings.listed["MALLOC_CONF"] == nil)
    }

    @Test func trimAtSettleIsAGlibcFlagForTheChild() throws {
        #expect(try options("trim-at-settle=true").environment(for: .glibc).trimAtSettle)
        #expect(try !options("trim-at-settle=false").environment(for: .glibc).trimAtSettle)
        #expect(try !options("trim-at-settle=true").environment(for: .jemalloc).trimAtSettle)
        let message = usageMessage { try options("trim-at-settle=yes").validate(for: [.glibc]) }
        #expect(message?.contains("trim-at-settle=yes") == true && message?.contains("true or false") == true)
    }

    @Test func tcmallocReleaseRateBecomesItsEnvironmentVariable() throws {
        let settings = try options("release_rate=10").environment(for: .tcmalloc)
        #expect(settings.variables == ["TCMALLOC_RELEASE_RATE": "10"])
        #expect(usageMessage { try options("release_rate=-1").validate(for: [.tcmalloc]) }?.contains("release_rate") == true)
    }

    @Test func anOptionForAnAllocatorNotInTheRunIsRefusedNamingBoth() {
        let message = usageMessage { try AllocatorOptions(["dirty_decay_ms": "0"]).validate(for: [.glibc]) }
        #expect(message?.contains("dirty_decay_ms") == true)
        #expect(message?.contains("jemalloc option") == true && message?.contains("glibc") == true)
    }

    @Test func badValuesAreRefusedSayingWhatIsExpected() {
        let decay = usageMessage { try AllocatorOptions(["dirty_decay_ms": "soon"]).validate(for: [.jemalloc]) }
        #expect(decay?.contains("dirty_decay_ms=soon") == true && decay?.contains("milliseconds") == true)
        #expect(usageMessage { try AllocatorOptions(["trim_threshold": "lots"]).validate(for: [.glibc]) } != nil)
        #expect(usageMessage { try AllocatorOptions(["glibc.malloc.nonsense": "1"]).validate(for: [.glibc]) }?.contains("nonsense") == true)
        #expect(usageMessage { try AllocatorOptions(["narenas": "1,tcache:true"]).validate(for: [.jemalloc]) } != nil, "no MALLOC_CONF injection")
    }

    @Test func oneSetServesEveryAllocatorOfAComparison() throws {
        let options = try options("dirty_decay_ms=0", "trim-at-settle=true", "release_rate=5")
        try options.validate(for: [.jemalloc, .glibc, .mimalloc, .tcmalloc])
        #expect(options.applying(to: .jemalloc) == ["dirty_decay_ms": "0"])
        #expect(options.applying(to: .glibc) == ["trim-at-settle": "true"])
        #expect(options.applying(to: .tcmalloc) == ["release_rate": "5"])
        #expect(options.applying(to: .mimalloc).isEmpty)
        #expect(try options.environment(for: .mimalloc) == AllocatorOptions.Settings())
    }

    @Test func aQualifiedMimallocKeyBecomesItsEnvironmentVariable() throws {
        #expect(try options("mimalloc.purge_delay=0").environment(for: .mimalloc).variables == ["MIMALLOC_PURGE_DELAY": "0"])
    }

    @Test func aRunRequestWithoutTrimAtSettleStillDecodes() throws {
        let json = """
            {"pluginPath":"/p.so","scenario":"s","variant":"v","parameters":{},"warmUpIterations":1,\
            "workloadIterations":2,"sampleEvery":1,"settleMillis":300,"settleSamples":6,"allocator":"glibc",\
            "budgets":{"memoryBytes":1,"openFiles":16,"wallSeconds":1},"flushThreadCache":false}
            """
        let request = try JSONDecoder().decode(RunRequest.self, from: Data(json.utf8))
        #expect(request.trimAtSettle == false)
    }
}
