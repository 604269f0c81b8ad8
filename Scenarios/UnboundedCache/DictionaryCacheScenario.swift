import LeakLabKit

/// A memo cache with no eviction, its bounded fix, and two caches that only look unbounded.
let dictionaryCacheScenario = Scenario(
    id: "dictionary-cache",
    title: "A memo cache that never evicts",
    pattern: .unboundedCache,
    summary: """
        Each request computes a response and memoizes it in a long-lived dictionary keyed by the \
        request. Keys never repeat, so every entry is a miss and the cache only grows: a logical \
        leak that every reference still reaches.
        """,
    training: Training(
        symptoms: """
            Heap bytes, live allocations and RSS grow by one entry per request (value, dictionary \
            slot and rehash slack: about 360 B here for a 256 B value), in steps when the dictionary \
            doubles. The hit rate stays at zero, which a cache metric would show at once.
            """,
        detection: """
            Allocation trends and the thresholds rules see it; the settle check sees it stay. \
            valgrind and LeakSanitizer never do: the cache is reachable from a root, so valgrind \
            files it under 'still reachable'. heaptrack's 'leaked' total includes it. Look-alikes \
            matter here: a cache over a finite key set, or a scratch table cleared with \
            removeAll(keepingCapacity: true), grows early and then plateaus, and a detector that \
            judges from the first iterations calls them leaks.
            """,
        fix: """
            Bound the cache: an LRU with a fixed capacity (as here), a TTL, or a cost limit; \
            measure the hit rate; never key a cache by something unique per request.
            """,
        mirrors: "Go: a package-level map used as a cache with no eviction (`var cache = map[string][]byte{}`)."),
    parameters: [
        .integer("value-bytes", default: 256, range: 0...1 << 20, help: "bytes of each cached value"),
        .integer("capacity", default: 256, range: 1...1_000_000, help: "entries the LRU keeps (lru-bounded)"),
        .integer(
            "distinct-keys", default: 1_000, range: 1...1_000_000,
            help: "size of the key set the finite-key-set decoy draws from"),
        .integer(
            "batch", default: 500, range: 1...1_000_000,
            help: "entries per batch before the scratch table is cleared (cleared-keeping-capacity)"),
    ],
    defaultIterations: 3_000,
    defaultWarmUp: 300,
    variants: [
        Variant(
            name: "no-eviction", role: .leaky,
            summary: "every request adds a new key; nothing is ever removed",
            truth: .leak(
                .heap(.reachable, bytes: 360, objects: 1), tolerance: Leakage(bytes: 20, objects: 0.02),
                note: """
                    Measured 348–350 B per request as a robust slope and 371–374 B as the mean \
                    over 3,000 and 12,000 iterations, 1 allocation (jemalloc, tcache off): the mean \
                    carries the dictionary's storage doublings, the slope steps over them. The \
                    256 B value (+32 B array header, a 320 B size class) \
                    and the dictionary's 16 B bucket at ≤ 75 % load, which doubles in steps (one \
                    falls inside the run), so the slope moves a little with the iteration count. \
                    Reachable from the cache.
                    """),
            source: SourceLocation(region: "no-eviction"),
            makeWorkload: { NoEvictionCache(valueBytes: $0.integer("value-bytes")) }),
        Variant(
            name: "lru-bounded", role: .fixed,
            summary: "an LRU cache of `capacity` entries evicts the least recently used on every insert",
            truth: .clean(note: "full after `capacity` warm-up requests; afterwards each insert evicts one entry and frees its value and node"),
            source: SourceLocation(region: "lru-bounded"),
            makeWorkload: { LRUBoundedCache(valueBytes: $0.integer("value-bytes"), capacity: $0.integer("capacity")) }),
        Variant(
            name: "finite-key-set", role: .decoy,
            summary: "the same unevicted cache, but keys come from a finite set: it fills, then only hits",
            truth: .bounded(
                plateauBytes: 400_000,
                note: """
                    Grows by one entry per request until all `distinct-keys` keys are cached \
                    (iteration 1,000 with the defaults, inside the workload phase), then every \
                    request is a hit and nothing grows. Measured: 258 KB of growth inside the workload \
                    phase, about 355 KB in all (1,000 values of 320 B and a 2,048-bucket table).
                    """),
            source: SourceLocation(region: "finite-key-set"),
            makeWorkload: { FiniteKeySetCache(valueBytes: $0.integer("value-bytes"), distinctKeys: $0.integer("distinct-keys")) }),
        Variant(
            name: "cleared-keeping-capacity", role: .decoy,
            summary: "a scratch table filled per batch and emptied with removeAll(keepingCapacity: true)",
            truth: .bounded(
                plateauBytes: 200_000,
                note: """
                    A sawtooth: the values of one batch accumulate, then are freed together; the \
                    table's storage stays at its first-batch capacity and never grows again. \
                    Measured slope over the workload: −4 B per iteration; peak about 176 KB (500 \
                    values of 320 B and a 1,024-bucket table).
                    """),
            source: SourceLocation(region: "cleared-keeping-capacity"),
            makeWorkload: { ClearedKeepingCapacity(valueBytes: $0.integer("value-bytes"), batch: $0.integer("batch")) }),
    ])
