import LeakLabKit

/// Tasks that wait forever: Swift's version of the goroutine leak.
let blockedTasksScenario = Scenario(
    id: "blocked-tasks",
    title: "Tasks suspended forever",
    pattern: .blockedTasks,
    summary: """
        Each iteration starts a task that waits for something nobody will ever send: a continuation \
        nobody resumes, a stream nobody finishes, a loop nobody cancels. A suspended task keeps its \
        async frame, its task object and everything it captured.
        """,
    training: Training(
        symptoms: """
            Heap bytes grow by the size of a suspended task (about 1.4–1.7 KiB here) per iteration; \
            RSS follows slowly; fds and threads stay flat, because a suspended task holds no thread. \
            The process still exits 0: suspended tasks do not block exit.
            """,
        detection: """
            Allocation trends (jemalloc stats.allocated, mallocs − frees) see it. valgrind and \
            LeakSanitizer see it only when nothing references the task any more (a dropped \
            continuation); a task still referenced from a global list is 'still reachable' to them. \
            Thread counts never move, so thread-based checks miss it. The lab counts the tasks \
            themselves: the child scans its own memory for task objects (the `tasks` metric, exact) \
            and, after settle, takes a census that groups the live tasks by state and by the async \
            function each waits in — Swift's version of Go's goroutine profile; `run … --tasks` \
            shows it and the `task-leak` detector reads it. A sleeping task counts twice (Task.sleep \
            starts a wake-up task); `async let` children live inside their parent and are not counted \
            on their own (docs/task-census.md).
            """,
        fix: """
            Resume every continuation exactly once (on every path, errors included); finish() every \
            AsyncStream continuation when the producer is done; keep the Task handle and cancel() it; \
            better, use structured concurrency (async let, task groups) so a child cannot outlive its scope.
            """,
        mirrors:
            "Go: a goroutine blocked on a channel send or receive that never happens (the classic goroutine leak). Go lists such goroutines with pprof's goroutine profile and, since 1.26, proves them stuck with its goroutine-leak profile; the lab's task census is the goroutine profile's counterpart (grouped by where each task waits, no reachability proof)."
    ),
    parameters: [
        .integer("tasks-per-iteration", default: 1, range: 1...64, help: "tasks started per iteration")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 500,
    variants: [
        Variant(
            name: "continuation-never-resumed", role: .leaky,
            summary: "awaits withUnsafeContinuation and drops the continuation: the task never wakes",
            truth: .leak(
                .heap(.unreachable, bytes: 1_440, objects: 4.45), .tasks(1), spread: Leakage(bytes: 64, objects: 0.6),
                note:
                    "measured (release, tcache off, 2,000 iterations, five runs): 1,408–1,472 B and 4–5 allocations per task, varying with the runtime's scheduling (declared as a mean and spread) — the task object with its first async-frame slab and the runtime's bookkeeping; nothing references it once the continuation is dropped"
            ),
            source: SourceLocation(region: "continuation-never-resumed"),
            makeWorkload: { ContinuationNeverResumed(tasksPerIteration: $0.integer("tasks-per-iteration")) }),
        Variant(
            name: "continuation-resumed", role: .fixed,
            summary: "the same await, resumed: the task completes and is freed",
            truth: .clean(note: "the task finishes; its frame and object are freed"),
            source: SourceLocation(region: "continuation-resumed"),
            makeWorkload: { ContinuationResumed(tasksPerIteration: $0.integer("tasks-per-iteration")) }),
        Variant(
            name: "stream-never-finished", role: .leaky,
            summary: "a consumer iterates an AsyncStream whose continuation is dropped without finish()",
            truth: .leak(
                .heap(.unreachable, bytes: 1_670, objects: 7.6), .tasks(1), spread: Leakage(bytes: 45, objects: 0.65),
                note:
                    "measured (quiet and loaded machine): 1,655–1,691 B and 7.1–8.1 allocations per iteration, varying with scheduling — the consumer task, the stream's storage and its waiting continuation, referencing each other but not from any root; dropping the continuation does not finish the stream"
            ),
            source: SourceLocation(region: "stream-never-finished"),
            makeWorkload: { StreamNeverFinished(tasksPerIteration: $0.integer("tasks-per-iteration")) }),
        Variant(
            name: "stream-finished", role: .fixed,
            summary: "the producer calls finish(): the consumer's loop ends and the task completes",
            truth: .clean(),
            source: SourceLocation(region: "stream-finished"),
            makeWorkload: { StreamFinished(tasksPerIteration: $0.integer("tasks-per-iteration")) }),
        Variant(
            name: "loop-never-cancelled", role: .leaky,
            summary: "a polling loop `while !Task.isCancelled` whose Task handle is dropped",
            truth: .leak(
                .heap(.reachable, bytes: 2_250, objects: 10.8), .tasks(2), spread: Leakage(bytes: 650, objects: 4.2, tasks: 0.3),
                note:
                    "measured (release, tcache off; quiet and loaded machine): 1,715–2,803 B and 6.8–14.8 allocations per iteration, varying with how many 10 ms sleeps are in flight (the loops of every earlier iteration keep waking, so a busy machine holds more) — the task plus the sleep's timer entry; the runtime's timer queue still holds the task, so it stays reachable; 2.00 tasks per iteration (task census): each sleeping loop and the not-yet-started wake-up task its Task.sleep made; a loop between its wake-up and its next sleep has no wake-up task, so a count taken while many loops wake reads up to ~0.2 per iteration off (1.79–2.09 over a dozen counts per run at 8,000 iterations)"
            ),
            source: SourceLocation(region: "loop-never-cancelled"),
            makeWorkload: { LoopNeverCancelled(tasksPerIteration: $0.integer("tasks-per-iteration")) }),
        Variant(
            name: "loop-cancelled", role: .fixed,
            summary: "the same loop in a task group that is cancelled when its work is done",
            truth: .bounded(
                note: """
                    Bounded, not clean: a cancelled Task.sleep returns at once but its timer entry stays \
                    allocated until the original 10 ms deadline, so the entries of the last ~10 ms of \
                    iterations are in flight at any time (measured: up to ~40 B per iteration in a short \
                    run, less in a long one) and all are freed by the end of settle.
                    """),
            source: SourceLocation(region: "loop-cancelled"),
            makeWorkload: { LoopCancelled(tasksPerIteration: $0.integer("tasks-per-iteration")) }),
        Variant(
            name: "parked-until-settle", role: .decoy,
            summary: "waiters are parked on continuations kept in a list and all resumed when the load stops",
            truth: .bounded(note: "grows by a suspended task per iteration during the workload, then everything is resumed and freed in settle"),
            source: SourceLocation(region: "parked-until-settle"),
            makeWorkload: { ParkedUntilSettle(tasksPerIteration: $0.integer("tasks-per-iteration")) }),
    ])
