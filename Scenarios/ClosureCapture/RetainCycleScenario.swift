import LeakLabKit

/// A closure stored on an object that captures the object strongly: ARC never frees the pair.
let retainCycleScenario = Scenario(
    id: "retain-cycle",
    title: "A stored closure that captures self strongly",
    pattern: .closureCapture,
    summary: """
        Each iteration opens a connection object that stores an `onClose` callback; the callback \
        mentions `self`, so the object holds the closure and the closure holds the object. When the \
        caller drops the connection, the pair keeps itself alive: an unreachable retain cycle.
        """,
    training: Training(
        symptoms: """
            Heap bytes and live allocations (mallocs − frees) grow by one small object per iteration \
            (48 B here: the closure reuses the object itself as its context, so no extra box); RSS \
            barely moves at first; fds and threads stay flat. Small cycles take many iterations to show.
            """,
        detection: """
            Allocation trends see the steady slope; the 1 KiB-per-item rule of thumb misses a 48 B \
            leak. Because nothing references the cycle any more, valgrind reports it as definitely \
            lost and LeakSanitizer reports it exactly; heaptrack counts it too but cannot tell it \
            from a cache. Xcode's memory graph flags it as a cycle.
            """,
        fix: """
            Capture weakly (`[weak self]`) or `[unowned self]` when the closure cannot outlive the \
            object, or break the cycle explicitly by setting the stored closure to nil when done.
            """,
        mirrors: """
            Go has no equivalent: its tracing collector frees unreachable cycles. The seeds' closure \
            capture leaks are all reachable ones; this is the kind only reference counting has.
            """),
    parameters: [
        .integer(
            "payload-bytes", default: 0, range: 0...1 << 20,
            help: "bytes each connection owns besides itself (0: none); they leak with the cycle")
    ],
    defaultIterations: 10_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "strong-self", role: .leaky,
            summary: "the stored callback captures self strongly: object and closure keep each other alive",
            truth: .leak(
                .heap(.unreachable, bytes: 48, objects: 1),
                note: """
                    Measured 48.6 B and 1 allocation per iteration (jemalloc, tcache off): the \
                    48 B connection object (16 B header, \
                    16 B closure, 8 B counter, 8 B payload reference); the closure captures only \
                    self, so self is its context and no box is allocated. Unreachable once dropped.
                    """),
            source: SourceLocation(region: "strong-self"),
            makeWorkload: { StrongSelfCycle(payloadBytes: $0.integer("payload-bytes")) }),
        Variant(
            name: "weak-self", role: .fixed,
            summary: "the callback captures [weak self]: dropping the connection frees it",
            truth: .clean(note: "the weak box and the object are freed when the iteration drops the connection"),
            source: SourceLocation(region: "weak-self"),
            makeWorkload: { WeakSelfCallback(payloadBytes: $0.integer("payload-bytes")) }),
        Variant(
            name: "broken-on-close", role: .fixed,
            summary: "the strong capture stays, but close() sets the callback to nil and breaks the cycle",
            truth: .clean(note: "close() releases the closure, so the object's count drops to zero"),
            source: SourceLocation(region: "broken-on-close"),
            makeWorkload: { CycleBrokenOnClose(payloadBytes: $0.integer("payload-bytes")) }),
    ])
