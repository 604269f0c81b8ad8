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
            straight line (measured on Swift 6.3.1: 100 reports leak 1.05 MB, 1,000 leak 90.7 MB, \
            10,000 leak 8.95 GB). stderr fills with misuse reports, one per dropped continuation. \
            Threads and fds stay flat.
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
        .integer(
            "max-iterations", default: 200, range: 1...200,
            help: "warm-up plus workload iterations the leaky variant allows; past it the run fails rather than grow quadratically")
    ],
    defaultIterations: 60,
    defaultWarmUp: 20,
    maximumIterations: 180,
    variants: [
        Variant(
            name: "checked-continuation-dropped", role: .leaky,
            summary: "withCheckedContinuation's continuation is dropped unresumed: the task hangs and the report leaks",
            source: SourceLocation(region: "checked-continuation-dropped"),
            truth: { run in
                // Iteration i leaks ~1.57 KB (the task) plus 177.6 B × i (the report's copy), so
                // the slope over a workload is the cost at its middle iteration.
                let middle = Double(run.warmUpIterations) + Double(run.workloadIterations) / 2
                return .leak(
                    .heap(.unreachable, bytes: 1_568 + 177.6 * middle, objects: 4.0), .tasks(1),
                    shape: .superlinear, spread: Leakage(bytes: 0.06 * (1_568 + 177.6 * middle), objects: 1.2),
                    note: """
                        Not linear: iteration i costs about 1.57 KB (the suspended task) plus \
                        177.6 B × i: the runtime keeps the text of all misuse reports so far for a \
                        crash log, and each new report copies the whole text and leaks the old copy. \
                        So n iterations leak about 1.57 KB·n + 89 B·n² (100 → 1 MB, 1,000 → 91 MB), \
                        and the truth is declared as a function of the run's iteration counts: the \
                        slope over a workload is the cost at its middle iteration. Measured (jemalloc, \
                        tcache off): 10,449 B per iteration at 60, 15,589 at 120, 21,109 at 180 \
                        (model: 10,448, 15,776, 21,104), 3.1–5 allocations (varies with scheduling). Unreachable: the old copies \
                        and the tasks are referenced by nothing.
                        """)
            },
            makeWorkload: { CheckedContinuationDropped(maxIterations: $0.integer("max-iterations")) }),
        Variant(
            name: "checked-continuation-resumed", role: .fixed,
            summary: "the continuation is resumed once: the task completes and no report is printed",
            truth: .clean(note: "the task finishes and is freed; nothing is reported"),
            source: SourceLocation(region: "checked-continuation-resumed"),
            makeWorkload: { _ in CheckedContinuationResumed() }),
    ])
