import LeakLabKit

/// The concurrency runtime's own leak: the report of a dropped CheckedContinuation.
let continuationMisuseScenario = Scenario(
    id: "continuation-misuse-report",
    title: "A dropped CheckedContinuation, and the runtime's report that leaks",
    pattern: .runtime,
    summary: """
        Each iteration starts a task that awaits a CheckedContinuation and drops it without \
        resuming. The task stays suspended forever (a blocked-tasks leak), and the runtime prints \
        a 'SWIFT TASK CONTINUATION MISUSE' report whose own text leaks and grows with every report: \
        the cost per iteration rises linearly, so the total grows quadratically.
        """,
    training: Training(
        symptoms: """
            Heap bytes grow faster and faster: the growth curve bends upward instead of being a \
            straight line (FACTS: 100 reports leak 1.05 MB, 1,000 leak 90.7 MB, 10,000 leak \
            8.95 GB). stderr fills with misuse reports, one per dropped continuation. Threads and \
            fds stay flat.
            """,
        detection: """
            Allocation detectors see it, but a detector that fits a straight line and reports a \
            rate per iteration gets the rate wrong: it depends on how long you ran. The stderr \
            message is the best detector there is: read it. valgrind and LeakSanitizer attribute \
            the string to the runtime's reporting code, not to the misuse.
            """,
        fix: """
            Resume every CheckedContinuation exactly once on every path (the report exists to tell \
            you); a continuation that may not be resumed needs a cancellation handler or a timeout \
            that resumes it.
            """,
        mirrors: """
            Go has no direct analogue; the nearest is a leaked goroutine, which the runtime does not \
            report. Capped hard here: the run refuses to go past `max-iterations`.
            """),
    parameters: [
        .integer("max-iterations", default: 200, range: 1...200,
                 help: "warm-up plus workload iterations the leaky variant allows; past it the run fails rather than grow quadratically"),
    ],
    defaultIterations: 60,
    defaultWarmUp: 20,
    variants: [
        Variant(
            name: "checked-continuation-dropped", role: .leaky,
            summary: "withCheckedContinuation's continuation is dropped unresumed: the task hangs and the report leaks",
            truth: .leak(
                reachable: false, bytes: 10_400, bytesTolerance: 0.5, objects: 6, tasks: 1,
                note: """
                    Not linear, so the figure holds for the defaults only (20 warm-up, 60 workload \
                    iterations): measured 10.3–10.6 KB per iteration (jemalloc, tcache off), 5–7 \
                    allocations. Iteration i costs about 1.4 KB (the suspended task) plus 180 B × i: \
                    the runtime keeps the text of all misuse reports so far for a crash log, and \
                    each new report copies the whole text and leaks the old copy (160 B of text per \
                    report). So n iterations leak about 1.4 KB·n + 90 B·n² (100 → 1 MB, 1,000 → \
                    91 MB); 120 iterations measure 15.7 KB per iteration. Hence the ±50 % tolerance \
                    and the cap. Unreachable: the old copies and the tasks are referenced by nothing.
                    """),
            source: SourceLocation(region: "checked-continuation-dropped"),
            makeWorkload: { CheckedContinuationDropped(maxIterations: $0.integer("max-iterations")) }),
        Variant(
            name: "checked-continuation-resumed", role: .fixed,
            summary: "the continuation is resumed once: the task completes and no report is printed",
            truth: .clean(note: "the task finishes and is freed; nothing is reported"),
            source: SourceLocation(region: "checked-continuation-resumed"),
            makeWorkload: { _ in CheckedContinuationResumed() }),
    ])
