extension AllocatorTraits {
    /// Microsoft's mimalloc (Debian's libmimalloc2.0): RSS is its only figure, because Debian's
    /// build keeps no statistics. Its options are `MIMALLOC_*` variables, passed on as given.
    public static let mimalloc = AllocatorTraits(
        name: .mimalloc,
        libraryFileNames: ["libmimalloc.so.2", "libmimalloc.so"],
        debianPackages: ["libmimalloc2.0"],
        ownsLibraryFile: { $0.contains("mimalloc") },
        options: AllocatorOptionTable(unknownKeys: .passedThrough(unqualified: false), delivery: .variables(prefix: "MIMALLOC_")),
        allocatedSource: nil,
        comparisonNote:
            "mimalloc: allocated bytes and fragmentation are not measured. Debian's libmimalloc2.0 is built without statistics (MI_STAT=0): mi_stats_print_out prints only reserved/committed/segment lines, with no allocated or requested bytes ('touched' and 'pages' move only on free and go negative); mi_process_info's current_rss is the committed size (32 MiB from the first segment, constant), not resident pages. RSS (/proc) is its only honest figure.",
        presets: [
            .init(
                name: "mimalloc", allocator: .mimalloc,
                summary: "mimalloc at its defaults: RSS only, Debian's build keeps no byte statistics (docs/allocators.md)")
        ])
}
