extension AllocatorTraits {
    /// gperftools' tcmalloc (the minimal library, or the full one of libgoogle-perftools4):
    /// `MallocExtension` properties give its counts. Its options are `TCMALLOC_*` variables.
    public static let tcmalloc = AllocatorTraits(
        name: .tcmalloc,
        libraryFileNames: ["libtcmalloc_minimal.so.4", "libtcmalloc.so.4", "libtcmalloc_minimal.so", "libtcmalloc.so"],
        debianPackages: ["libgoogle-perftools4", "libtcmalloc-minimal4"],
        ownsLibraryFile: { $0.contains("tcmalloc") },
        options: AllocatorOptionTable(
            known: ["release_rate": .rate, "aggressive_decommit": .bool, "max_total_thread_cache_bytes": .bytes],
            aliases: ["TCMALLOC_RELEASE_RATE": "release_rate"],
            unknownKeys: .passedThrough(unqualified: false),
            delivery: .variables(prefix: "TCMALLOC_")),
        // tcmalloc's classes are finer than jemalloc's above 128 B (see SizeClassRounding).
        sizeClassBand: SizeClassBand(belowShare: 0.2, abovePerBlock: 16),
        allocatedSource: "tcmalloc generic.current_allocated_bytes",
        presets: [
            .init(name: "tcmalloc", allocator: .tcmalloc, summary: "tcmalloc at its defaults"),
            .init(
                name: "tcmalloc-release", allocator: .tcmalloc, options: ["release_rate": "10", "aggressive_decommit": "true"],
                summary: "tcmalloc releasing aggressively (TCMALLOC_RELEASE_RATE=10, TCMALLOC_AGGRESSIVE_DECOMMIT=true)"),
        ])
}
