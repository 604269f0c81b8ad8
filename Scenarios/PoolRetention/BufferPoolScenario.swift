import LeakLabKit

/// Buffer pools: one that never gives a buffer back out, its fix, and one that only looks like it.
let bufferPoolScenario = Scenario(
    id: "buffer-pool",
    title: "A buffer pool that keeps everything returned to it",
    pattern: .poolRetention,
    summary: """
        Requests borrow I/O buffers from a pool and return them. The leaky pool files returned \
        buffers under the wrong key, so none is reused: it allocates a new buffer per request and \
        keeps every returned one, each still referencing the request it served.
        """,
    training: Training(
        symptoms: """
            Heap bytes and live allocations grow by a buffer and a request body per request (about \
            6.2 KiB and 4 allocations each here); RSS follows. A pool's own metrics would show \
            the idle count rising and the reuse rate at zero. A healthy pool looks similar for a \
            while: it grows to the peak concurrency of the load, then stays or shrinks.
            """,
        detection: """
            Allocation trends see the steady growth; so do the thresholds rules. valgrind and \
            LeakSanitizer do not: the pool references every idle buffer. The look-alike here is a \
            generational pool under a ramping load: it grows all through the workload, so slope \
            detectors call it a leak, and only the settle check, which sees it fall back once the \
            load stops and the pool trims itself, gets it right.
            """,
        fix: """
            Key release by the same thing acquire looks up (the size class, not the bytes used); \
            reset buffers on return so they drop references to requests; bound the idle count \
            (max-idle) and free the rest; or trim buffers that went unused for a cycle or two.
            """,
        mirrors: """
            Go: a hand-rolled free list that grows to its peak and never trims, holding buffers that \
            still point at request payloads; and sync.Pool, whose victim cache frees what went \
            unused for two GC cycles (the decoy here).
            """),
    parameters: [
        .integer("buffer-bytes", default: 4_096, range: 64...1 << 20, help: "capacity class of each pooled buffer"),
        .integer("payload-bytes", default: 1_000, range: 1...1 << 20, help: "size of each request body (at most buffer-bytes are copied)"),
        .integer("concurrency", default: 4, range: 1...256, help: "requests in flight per iteration"),
        .integer("max-idle", default: 16, range: 0...100_000, help: "idle buffers the bounded pool keeps per size class"),
        .integer("peak-concurrency", default: 64, range: 1...4_096, help: "where the generational decoy's load ramp ends"),
        .integer("ramp-iterations", default: 1_000, range: 1...1_000_000, help: "iterations the decoy's load takes to reach its peak"),
        .integer("trim-every", default: 100, range: 1...1_000_000, help: "iterations between the decoy pool's trim cycles"),
    ],
    defaultIterations: 1_000,
    defaultWarmUp: 50,
    variants: [
        Variant(
            name: "keyed-by-bytes-used", role: .leaky,
            summary: "release files buffers under the bytes used, acquire looks under the size class: nothing is reused",
            truth: .leak(
                .heap(.reachable, bytes: 25_963, objects: 16),
                note: """
                    Measured 25,968 B and 16 allocations per iteration (jemalloc, tcache off): per \
                    request (4 per iteration) a new buffer (4,096 B + 32 B header, a 5,120 B size \
                    class), its 48 B PooledBuffer, the 32 B Request and its 1,000 B body (a 1,280 B \
                    class) the buffer still references, and the idle list's slot. All reachable \
                    from the pool.
                    """),
            source: SourceLocation(region: "keyed-by-bytes-used"),
            makeWorkload: {
                PoolWorkload(
                    pool: MiskeyedBufferPool(), concurrency: $0.integer("concurrency"),
                    sizeClass: $0.integer("buffer-bytes"), payloadBytes: $0.integer("payload-bytes"))
            }),
        Variant(
            name: "bounded-and-reset", role: .fixed,
            summary: "keyed by size class, reset on return, at most max-idle idle buffers",
            truth: .clean(
                note: """
                    Measured 3 B per iteration (noise): the pool holds `concurrency` buffers from the \
                    first iteration on and reuses them; each request body is freed when the buffer is \
                    reset on return.
                    """),
            source: SourceLocation(region: "bounded-and-reset"),
            makeWorkload: {
                PoolWorkload(
                    pool: BoundedBufferPool(maxIdle: $0.integer("max-idle")), concurrency: $0.integer("concurrency"),
                    sizeClass: $0.integer("buffer-bytes"), payloadBytes: $0.integer("payload-bytes"))
            }),
        Variant(
            name: "generational-trim", role: .decoy,
            summary: "a sync.Pool-like pool under a ramping load: grows with the load, freed by two trim cycles in settle",
            truth: .bounded(
                plateauBytes: 450_000,
                note: """
                    Grows through the whole workload as the load ramps to 64 requests in flight: \
                    measured +314 KB over the default 1,000 iterations (about 330 B per iteration, \
                    a clean straight line), holding at most 64 buffers of 5,168 B (about 331 KB). \
                    Settle runs two trim cycles and everything idle is freed: measured 16 KB below \
                    the level at the start of the workload.
                    """),
            source: SourceLocation(region: "generational-trim"),
            makeWorkload: {
                RampingLoadOnGenerationalPool(
                    peak: $0.integer("peak-concurrency"), ramp: $0.integer("ramp-iterations"),
                    trimEvery: $0.integer("trim-every"), sizeClass: $0.integer("buffer-bytes"),
                    payloadBytes: $0.integer("payload-bytes"))
            }),
    ])
