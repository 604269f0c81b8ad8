extension AllocatorTraits {
    /// jemalloc (Debian's libjemalloc2, 5.3): the default allocator, whose `mallctl` statistics
    /// give every heap figure of a sample. Its options are `MALLOC_CONF` entries; it checks that
    /// variable itself and reports a key it does not know, so any key passes through.
    public static let jemalloc = AllocatorTraits(
        name: .jemalloc,
        libraryFileNames: ["libjemalloc.so.2", "libjemalloc.so"],
        debianPackages: ["libjemalloc2"],
        ownsLibraryFile: { $0.contains("jemalloc") },
        options: AllocatorOptionTable(
            known: [
                "dirty_decay_ms": .milliseconds, "muzzy_decay_ms": .milliseconds,
                "background_thread": .bool, "tcache": .bool, "retain": .bool, "narenas": .count,
            ],
            unknownKeys: .passedThrough(unqualified: true),
            delivery: .listed(variable: "MALLOC_CONF", entryPrefix: "", separator: ":", joinedBy: ",")),
        sizeClassBand: .none,
        allocatedSource: "jemalloc mallctl stats.allocated",
        countsExactly: { options, mallocConf in
            if let tcache = options["tcache"] ?? options["jemalloc.tcache"] { return tcache == "false" }
            return mallocConf?.contains("tcache:false") == true
        },
        approximateCountsNote: { configuration in
            "\(configuration): jemalloc's thread cache is on, so allocated counts freed blocks still cached as allocated (a few KiB, varying): its alloc/it is approximate (≈). The `jemalloc` row (\(AllocatorConfiguration.exactJemallocConf)) is the exact figure, as in run/audit/validate."
        },
        presets: [
            .init(
                name: "jemalloc", allocator: .jemalloc, mallocConf: AllocatorConfiguration.exactJemallocConf,
                summary: "jemalloc with its thread cache off (MALLOC_CONF=tcache:false): exact counts, the figure run/audit/validate give"),
            .init(
                name: "jemalloc-defaults", allocator: .jemalloc,
                summary:
                    "jemalloc as shipped (no MALLOC_CONF): thread caches hold freed blocks, so allocated is approximate (±a few KiB); for its RSS behaviour"),
            .init(
                name: "jemalloc-no-decay", allocator: .jemalloc, options: ["dirty_decay_ms": "0", "muzzy_decay_ms": "0"],
                mallocConf: AllocatorConfiguration.exactJemallocConf,
                summary: "jemalloc, exact counts, dirty and muzzy pages purged at once (dirty_decay_ms=0, muzzy_decay_ms=0)"),
        ])
}
