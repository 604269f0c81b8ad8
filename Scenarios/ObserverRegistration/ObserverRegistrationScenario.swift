import LeakLabKit

/// Block-based NotificationCenter observers added per session and never removed.
let observerRegistrationScenario = Scenario(
    id: "notification-observers",
    title: "NotificationCenter observers that are never removed",
    pattern: .observerRegistration,
    summary: """
        Each session adds a block-based observer for a settings notification on a long-lived \
        NotificationCenter, and the block captures the session. Nothing removes the observer, so \
        the center keeps every block and every session alive after the session ends.
        """,
    training: Training(
        symptoms: """
            Heap bytes grow by a session, its buffer and the center's observer record per \
            iteration (about 2.7 KiB here); live allocations by three; each \
            posted notification takes longer as observers pile up. fds and threads stay flat.
            """,
        detection: """
            Allocation trends and the thresholds rules see it. valgrind and LeakSanitizer do not: \
            the center references every observer. Apple platforms remove selector-based observers \
            when the observer is deallocated, but never block-based ones: the returned token must \
            be removed, which makes this easy to miss in code review.
            """,
        fix: """
            Keep the token addObserver(forName:object:queue:using:) returns and pass it to \
            removeObserver when the session ends (defer, deinit of an owner), capture what the \
            block needs weakly, or use `notifications(named:)` in a task that ends with its scope.
            """,
        mirrors: """
            Go: registering a callback or a channel with a long-lived broker (signal.Notify, an event \
            bus) and never unsubscribing.
            """),
    parameters: [
        .integer("session-bytes", default: 2_048, range: 0...1 << 20, help: "bytes each session holds")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "observer-never-removed", role: .leaky,
            summary: "addObserver's token is discarded, so the observer block and its session stay forever",
            truth: .leak(
                .heap(.reachable, bytes: 2_696, objects: 3),
                note: """
                    Measured 2,702 B and 3 allocations per iteration (jemalloc, tcache off): the \
                    session's 2,048 B buffer (+32 B header, a 2,560 B size class), the 32 B session \
                    (the block captures only it, so it is the closure's context) and the center's \
                    observer record, plus its slot in the center's list. Reachable from the center.
                    """),
            source: SourceLocation(region: "observer-never-removed"),
            makeWorkload: { ObserverNeverRemoved(sessionBytes: $0.integer("session-bytes")) }),
        Variant(
            name: "observer-removed", role: .fixed,
            summary: "the token is kept and removed with defer when the session ends",
            truth: .clean(note: "the center drops the block, and the session with it, when the token is removed"),
            source: SourceLocation(region: "observer-removed"),
            makeWorkload: { ObserverRemoved(sessionBytes: $0.integer("session-bytes")) }),
    ])
