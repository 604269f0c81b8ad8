import LeakLabKit

/// Repeating Dispatch timers started per call and never cancelled.
let uncancelledTimersScenario = Scenario(
    id: "uncancelled-timers",
    title: "A repeating DispatchSourceTimer that is never cancelled",
    pattern: .unclosedHandles,
    summary: """
        Each iteration creates a progress reporter that ticks on a repeating DispatchSourceTimer and \
        trusts its deinit to cancel the timer. The timer's handler mentions self, so handler, \
        reporter and timer keep each other alive: deinit never runs and every timer fires forever.
        """,
    training: Training(
        symptoms: """
            Heap bytes grow by about 510 B and live allocations by six per iteration (the timer, its \
            handler and the reporter); CPU use grows as more and more timers fire; fds and threads \
            stay flat on Linux, where libdispatch multiplexes all timers over one timerfd and epoll. \
            Note: a timer whose handler does not refer back to it is freed (and stops) when its \
            last reference goes, on Linux; it is the cycle that makes this one immortal.
            """,
        detection: """
            Allocation trends see a modest slope; the 1 KiB-per-item rule misses it. valgrind and \
            LeakSanitizer do not report it: libdispatch's timer heap still references each armed \
            source, so it is reachable. A CPU profile full of the same handler is another hint.
            """,
        fix: """
            Cancel explicitly when the work is done (`defer { reporter.stop() }`: cancelling \
            releases the handler and breaks the cycle); do not rely on deinit to stop what keeps \
            you alive; capture `[weak self]` in the handler; or use a Task with Task.sleep in a \
            loop that ends with its scope.
            """,
        mirrors: "Go: time.Tick (or a time.NewTicker never stopped) inside a function called per request."),
    parameters: [
        .integer("interval-ms", default: 1_000, range: 10...3_600_000, help: "period of each timer")
    ],
    defaultIterations: 4_000,
    defaultWarmUp: 2_000,
    variants: [
        Variant(
            name: "never-cancelled", role: .leaky,
            summary: "the reporter is dropped and trusts deinit to cancel; the handler's capture of self means it never runs",
            truth: .leak(
                .heap(.reachable, bytes: 499, objects: 6),
                note: """
                    Measured 505–529 B and exactly 6 allocations per iteration (jemalloc, tcache \
                    off): the reporter, the Swift DispatchSource wrapper, the libdispatch source and \
                    its timer refs, the handler block and its closure, plus the timer heap's slot \
                    (it doubles, hence the spread). Reachable: libdispatch's timer heap holds every \
                    armed source (valgrind: 'still reachable', growing ~470 B per iteration).
                    """),
            source: SourceLocation(region: "never-cancelled"),
            makeWorkload: { TickerNeverCancelled(intervalMillis: $0.integer("interval-ms")) }),
        Variant(
            name: "cancelled-with-defer", role: .fixed,
            summary: "`defer { reporter.stop() }` cancels the timer, which releases the handler and breaks the cycle",
            truth: .clean(
                note: """
                    each source is cancelled, and its cancellation has run, before the iteration returns. \
                    libdispatch's per-thread continuation caches fill to about 60 KB in the first \
                    ~1,000 iterations, which is why the warm-up is long.
                    """),
            source: SourceLocation(region: "cancelled-with-defer"),
            makeWorkload: { TickerCancelledWithDefer(intervalMillis: $0.integer("interval-ms")) }),
    ])
