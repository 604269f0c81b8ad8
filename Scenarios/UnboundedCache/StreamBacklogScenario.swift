import LeakLabKit

/// An AsyncStream with the default, unbounded buffer, fed faster than it is drained.
let streamBacklogScenario = Scenario(
    id: "stream-backlog",
    title: "An AsyncStream buffer that a slow consumer never catches up with",
    pattern: .unboundedCache,
    summary: """
        A producer yields `producer-rate` events per iteration into an AsyncStream made with the \
        default buffering policy, `.unbounded`; the consumer takes one per iteration. The stream's \
        buffer holds the difference, and it grows as long as the load lasts.
        """,
    training: Training(
        symptoms: """
            Heap bytes and live allocations grow by the events the consumer is behind on (one \
            1 KiB event, a 1,280 B size class, plus its buffer slot per iteration here); latency \
            grows with the backlog: an event waits longer and longer before it is handled.
            """,
        detection: """
            Allocation trends and the thresholds rules see it. valgrind and LeakSanitizer do not: \
            the stream's storage, still referenced by the continuation and the iterator, reaches \
            every buffered event. Nothing fails until memory runs out: yield() on an unbounded \
            stream always succeeds, so watch its result (`.enqueued(remaining:)`) or the queue depth.
            """,
        fix: """
            Choose a buffering policy: `.bufferingNewest(n)` (keep the freshest, as here) or \
            `.bufferingOldest(n)` when losing events is acceptable, and check yield's result \
            (`.dropped`) to count what was shed; otherwise add back-pressure so the producer waits.
            """,
        mirrors: """
            Go: an ever-growing slice used as a queue between a fast producer and a slow consumer \
            goroutine (or a buffered channel replaced by an unbounded list).
            """),
    parameters: [
        .integer("event-bytes", default: 1_024, range: 0...1 << 20, help: "bytes of each event"),
        .integer("producer-rate", default: 2, range: 1...64, help: "events produced per iteration (the consumer takes 1)"),
        .integer("buffer-limit", default: 64, range: 1...100_000, help: "events the bufferingNewest stream keeps"),
    ],
    defaultIterations: 3_000,
    defaultWarmUp: 200,
    variants: [
        Variant(
            name: "unbounded-buffer", role: .leaky,
            summary: "AsyncStream's default `.unbounded` buffer: the backlog grows by one event per iteration",
            truth: .leak(
                .heap(.reachable, bytes: 1_290, objects: 1),
                note: """
                    Measured 1,292 B and 1 allocation per iteration (jemalloc, tcache off): one \
                    undelivered event per iteration with the defaults (2 produced, 1 consumed): \
                    its 1,024 B array (+32 B header, a 1,280 B size class) and its 8 B slot in the \
                    stream's deque, amortized over the deque's doublings. Reachable from the stream.
                    """),
            source: SourceLocation(region: "unbounded-buffer"),
            makeWorkload: { UnboundedBacklog(eventBytes: $0.integer("event-bytes"), producerRate: $0.integer("producer-rate")) }),
        Variant(
            name: "buffering-newest", role: .fixed,
            summary: "`.bufferingNewest(buffer-limit)`: the stream sheds the oldest events beyond the limit",
            truth: .clean(note: "the buffer fills to `buffer-limit` events during warm-up; after that each yield drops (and frees) the oldest event"),
            source: SourceLocation(region: "buffering-newest"),
            makeWorkload: {
                BoundedBacklog(
                    eventBytes: $0.integer("event-bytes"), producerRate: $0.integer("producer-rate"),
                    limit: $0.integer("buffer-limit"))
            }),
    ])
