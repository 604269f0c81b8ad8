import LeakLabKit

/// Handlers registered on a long-lived notifier and never removed, each holding a buffer.
let callbackRegistryScenario = Scenario(
    id: "callback-registry",
    title: "Callbacks registered on a long-lived notifier and never removed",
    pattern: .closureCapture,
    summary: """
        Each request registers a handler on an application-wide event bus so it can react to \
        configuration changes, and the handler captures the request's buffer. The request ends but \
        never unregisters, so the bus keeps every handler, and every buffer, alive.
        """,
    training: Training(
        symptoms: """
            Heap bytes grow by the captured buffer plus a closure context and a dictionary slot per \
            request (about 4.2 KiB here); RSS follows; live allocations grow by two per request. \
            Dispatching an event gets slower as handlers pile up.
            """,
        detection: """
            Allocation trends and the thresholds rules see it. valgrind and LeakSanitizer do not: \
            every handler is still reachable from the bus (valgrind lists it as 'still reachable', \
            which nobody reads). heaptrack's 'leaked' total includes it. A heap profile (jeprof) \
            points at the registering function.
            """,
        fix: """
            Keep the token that register returns and unregister when the owner's life ends (defer, \
            deinit, or a cancellable token that unregisters on deinit); capture only what the \
            handler needs, not the whole request.
            """,
        mirrors: """
            Go: a closure appended to a global slice of callbacks (or a map of handlers) that is \
            never removed keeps its captured variables alive.
            """),
    parameters: [
        .integer(
            "payload-bytes", default: 4_000, range: 0...1 << 20,
            help: "bytes of request buffer each handler captures")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "never-unregistered", role: .leaky,
            summary: "each request registers a handler capturing its buffer and never removes it",
            truth: .leak(
                .heap(.reachable, bytes: 4_184, objects: 2),
                note: """
                    Measured 4,190 B and 2 allocations per request (jemalloc, tcache off): the \
                    captured buffer (4,000 B + 32 B array header, a 4,096 B size \
                    class), the closure context (32 B) and the bus's dictionary slot (24 B, about \
                    32–64 B amortized over rehashes). All reachable from the bus.
                    """),
            source: SourceLocation(region: "never-unregistered"),
            makeWorkload: { NeverUnregistered(payloadBytes: $0.integer("payload-bytes")) }),
        Variant(
            name: "unregistered", role: .fixed,
            summary: "the request keeps its registration token and unregisters with defer",
            truth: .clean(note: "the handler, its context and the buffer are freed when the request unregisters"),
            source: SourceLocation(region: "unregistered"),
            makeWorkload: { Unregistered(payloadBytes: $0.integer("payload-bytes")) }),
    ])
