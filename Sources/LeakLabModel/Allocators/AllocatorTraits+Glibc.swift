extension AllocatorTraits {
    /// glibc's own malloc: nothing is preloaded; `mallinfo2` gives its counts. Its options are
    /// `GLIBC_TUNABLES` entries `glibc.malloc.NAME=VALUE` (also by their `mallopt` names), and
    /// `trim-at-settle` has the child call `malloc_trim(0)` once the workload has settled.
    ///
    /// Exact counts: glibc counts the chunks parked in its per-thread tcache (up to 7 per size
    /// class per thread) as in use, so a freed block may still show in `uordblks` and a clean
    /// variant's allocated bytes wander by tens of bytes per iteration (seen: 38–56 B/iteration on
    /// field-urlsession-delegate/session-invalidated, 0 with the tcache off). So every glibc child
    /// starts with `glibc.malloc.tcache_count=0`; a `tcache_count` option comes later and wins.
    public static let glibc = AllocatorTraits(
        name: .glibc,
        libraryFileNames: [],
        debianPackages: [],
        ownsLibraryFile: { $0.hasPrefix("libc.so") || $0.hasPrefix("libc-") },
        options: AllocatorOptionTable(
            known: [
                "trim_threshold": .bytes, "mmap_threshold": .bytes, "top_pad": .bytes,
                "mmap_max": .count, "arena_max": .count, "tcache_count": .count,
            ],
            aliases: [
                "M_TRIM_THRESHOLD": "trim_threshold", "M_MMAP_THRESHOLD": "mmap_threshold", "M_TOP_PAD": "top_pad",
                "M_MMAP_MAX": "mmap_max", "M_ARENA_MAX": "arena_max", "trim_at_settle": "trim-at-settle",
            ],
            qualifiedPrefix: "malloc.",
            childActions: ["trim-at-settle": .trimAtSettle],
            unknownKeys: .refused(noun: "malloc tunable"),
            delivery: .listed(variable: "GLIBC_TUNABLES", entryPrefix: "glibc.malloc.", separator: "=", joinedBy: ":"),
            exactCountEntries: ["glibc.malloc.tcache_count=0"]),
        // glibc counts chunks (`uordblks`): the request plus an 8 B header, rounded up to 16 B, at
        // least 32 B (see SizeClassRounding).
        sizeClassBand: SizeClassBand(belowShare: 0.2, abovePerBlock: 24),
        allocatedSource: "glibc mallinfo2 uordblks+hblkhd",
        countsExactly: { options, _ in
            let count = options["tcache_count"] ?? options["glibc.malloc.tcache_count"]
            return count == nil || count == "0"
        },
        approximateCountsNote: { configuration in
            "\(configuration): glibc's per-thread cache is on (tcache_count ≠ 0), so freed chunks parked in it still count as in use: its alloc/it is approximate (≈). The `glibc` row (tcache_count=0) is the exact figure, as in run --allocator glibc."
        },
        presets: [
            .init(
                name: "glibc", allocator: .glibc,
                summary:
                    "glibc malloc with its per-thread cache off (GLIBC_TUNABLES=glibc.malloc.tcache_count=0): exact counts, the figure run/audit/validate give"
            ),
            .init(
                name: "glibc-defaults", allocator: .glibc, options: ["tcache_count": "7"],
                summary:
                    "glibc malloc as shipped (tcache_count=7): chunks in the per-thread cache count as in use, so allocated is approximate; for its RSS behaviour"
            ),
            .init(
                name: "glibc-trim", allocator: .glibc, options: ["trim-at-settle": "true"],
                summary: "glibc malloc, exact counts, the child calls malloc_trim(0) when the workload settles"),
        ])
}
