import LeakLabKit

/// Manually managed memory whose pointer is lost: the Swift face of a C or cgo leak.
let unsafeAllocationScenario = Scenario(
    id: "unsafe-allocation",
    title: "Unsafe pointers and C strings allocated and never freed",
    pattern: .unmanagedMemory,
    summary: """
        Each iteration allocates memory outside ARC's reach — UnsafeMutableRawPointer.allocate, or \
        strdup to hand a C API a string — and loses the pointer without deallocating or freeing it. \
        Nothing references the block any more: an unreachable leak in the C heap.
        """,
    training: Training(
        symptoms: """
            Heap bytes and live allocations grow by one block per iteration (1,024 B here); RSS \
            follows once the blocks are touched; fds and threads stay flat.
            """,
        detection: """
            Every allocation-based detector sees the slope. valgrind reports the blocks as \
            definitely lost and LeakSanitizer reports them with the allocating stack: this is the \
            kind those tools were built for. Swift-level tools (the memory graph, ARC checks) do \
            not see it: no Swift object is involved.
            """,
        fix: """
            Pair every allocate with deallocate and every strdup/malloc with free, with `defer` right \
            after the allocation; better, use scoped APIs that cannot leak: \
            withUnsafeTemporaryAllocation, String.withCString, Array(unsafeUninitializedCapacity:).
            """,
        mirrors: "Go: cgo's C.CString or C.malloc without a matching C.free (the cgo leak)."),
    parameters: [
        .integer("block-bytes", default: 1_024, range: 2...1 << 20, help: "bytes allocated per iteration")
    ],
    defaultIterations: 5_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "allocate-never-deallocated", role: .leaky,
            summary: "UnsafeMutableRawPointer.allocate, written, and the pointer dropped",
            truth: .leak(
                .heap(.unreachable, bytes: 1_024, objects: 1),
                note:
                    "Measured 1,024.6 B and 1 allocation per iteration (jemalloc, tcache off): the block itself, an exact size class. Unreachable once the pointer is dropped."
            ),
            source: SourceLocation(region: "allocate-never-deallocated"),
            makeWorkload: { RawBufferNeverDeallocated(blockBytes: $0.integer("block-bytes")) }),
        Variant(
            name: "deallocated-with-defer", role: .fixed,
            summary: "`defer { buffer.deallocate() }` right after allocate",
            truth: .clean(note: "each block is freed before the iteration returns"),
            source: SourceLocation(region: "deallocated-with-defer"),
            makeWorkload: { RawBufferDeallocated(blockBytes: $0.integer("block-bytes")) }),
        Variant(
            name: "strdup-never-freed", role: .leaky,
            summary: "a C string made with strdup for a C API and never freed (cgo's C.CString without C.free)",
            truth: .leak(
                .heap(.unreachable, bytes: 1_024, objects: 1),
                note:
                    "Measured 1,024.6 B and 1 allocation per iteration (jemalloc, tcache off): the copy, 1,023 characters and a NUL. Unreachable once the pointer is dropped."
            ),
            source: SourceLocation(region: "strdup-never-freed"),
            makeWorkload: { CStringNeverFreed(blockBytes: $0.integer("block-bytes")) }),
        Variant(
            name: "with-cstring", role: .fixed,
            summary: "String.withCString lends the C API a pointer that is valid for the call only",
            truth: .clean(note: "no heap copy outlives the call"),
            source: SourceLocation(region: "with-cstring"),
            makeWorkload: { CStringScoped(blockBytes: $0.integer("block-bytes")) }),
    ])
