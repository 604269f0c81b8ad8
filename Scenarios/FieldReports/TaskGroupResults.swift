import FieldReportsSupport
import LeakLabKit

/// hummingbird-project/swift-jobs #33: a job runner whose long-lived task group never awaits its
/// children keeps every finished child and its result until the group ends.
let taskGroupResultsScenario = Scenario(
    id: "field-task-group-results",
    title: "A long-lived task group that never awaits its children (swift-jobs #33)",
    pattern: .unboundedCache,
    summary: """
        A job queue handler runs for the life of the service inside `withTaskGroup` and adds a \
        child task per job, never calling `next()`: nobody wants the results. A task group keeps \
        each finished child and its result until they are awaited, so every job leaves its task \
        behind. Reported in 2024; the fix is the discarding task group (SE-0381), which frees a \
        child as soon as it finishes. Still leaks on Swift 6.3.1: this is how task groups work.
        """,
    training: Training(
        symptoms: """
            What users saw: a job server's memory grows with the number of jobs run, "even a \
            `Void.self` job allocated memory per job". Here: heap bytes grow by a finished child task \
            and its result per job (about 0.5 KiB), objects by a few; fds and threads stay flat, \
            because a finished task holds no thread.
            """,
        detection: """
            Root cause: `TaskGroup` must hand every child's result to `next()`, so a finished child \
            stays in the group's queue until it is awaited or the group ends. The group is alive \
            and references the children, so memcheck calls them reachable and LeakSanitizer stays \
            silent; allocation trends see the slope. The kernel counts live job results itself and \
            checks that count at tear-down.
            """,
        fix: """
            The maintainers' fix: `withDiscardingTaskGroup` (Swift 5.9), which releases each child \
            when it finishes and has no `next()`. A group that must see results drains them as it \
            goes (`while let result = await group.next()` in the loop, or every N jobs: bounded, \
            see the decoy).
            """,
        mirrors: "Go: an errgroup whose goroutines each send a result on a channel nobody reads."),
    parameters: [
        .integer("drain-every", default: 64, range: 1...10_000, help: "jobs between drains in the batch-drained decoy")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "group-never-awaited", role: .leaky,
            summary: "`withTaskGroup` for the service's life, a child per job, `next()` never called",
            truth: .leak(
                .heap(.reachable, bytes: 1_450, objects: 3),
                tolerance: Leakage(bytes: 73, objects: 0.2),
                note: """
                    Measured 1,448 B and 3 allocations per job at 2,000 and 4,000 iterations \
                    (release build, jemalloc with tcache off): the finished child task (its frame and result slot) and its JobOutcome, \
                    queued in the group until next() (2.84 allocations once in a dozen runs: \
                    ±0.2). The kernel counts live outcomes and checks the group holds every \
                    job's at tear-down.
                    """),
            source: SourceLocation(region: "group-never-awaited"),
            makeWorkload: { _ in JobRunner(kind: .neverAwaited) }),
        Variant(
            name: "discarding-group", role: .fixed,
            summary: "`withDiscardingTaskGroup`: each child is freed when it finishes",
            truth: .clean(note: "Measured 0 B per job: each child is freed when it finishes; the kernel checks no outcome is held."),
            source: SourceLocation(region: "discarding-group"),
            makeWorkload: { _ in JobRunner(kind: .discarding) }),
        Variant(
            name: "group-drained-in-batches", role: .decoy,
            summary: "`withTaskGroup`, drained with `next()` every `drain-every` jobs: grows, then falls back",
            truth: .bounded(
                cap: Leakage(bytes: 93_000), reachedBy: .iteration(64),
                note: """
                    Grows by ~1.4 KiB per job up to `drain-every` jobs (64: ~93 KiB), then falls back to \
                    nothing at each drain: a sawtooth with no long-run slope (measured 0 B per job).
                    """),
            source: SourceLocation(region: "group-drained-in-batches"),
            makeWorkload: { JobRunner(kind: .drainedInBatches(every: $0.integer("drain-every"))) }),
    ],
    references: [
        Reference(
            url: "https://github.com/hummingbird-project/swift-jobs/issues/33",
            title: "Use a DiscardingTaskGroup", date: "2024-09-18")
    ])

/// What a job hands back: counted, so the kernel sees how many results the group still holds.
final class JobOutcome: Sendable {
    static let live = LiveCount("job outcomes held")
    let jobID: Int
    init(jobID: Int) {
        self.jobID = jobID
        Self.live.increment()
    }
    deinit { Self.live.decrement() }
}

/// One submitted job: its id, and the continuation the submitter waits on.
struct Job: Sendable {
    let id: Int
    let done: CheckedContinuation<Void, Never>

    /// Does the job's work and tells the submitter; returns its outcome.
    func run() -> JobOutcome {
        let outcome = JobOutcome(jobID: id)
        done.resume()
        return outcome
    }
}

/// A job queue handler running in the background for the life of the service; each iteration
/// submits one job and waits until it has run.
final class JobRunner: ScenarioWorkload {
    enum Kind {
        case neverAwaited, discarding
        case drainedInBatches(every: Int)
    }
    let kind: Kind
    let (jobs, submit) = AsyncStream<Job>.makeStream()
    var handler: Task<Void, Never>?
    var submitted = 0

    init(kind: Kind) { self.kind = kind }

    func setUp(context: ScenarioContext) async throws {
        DispatchCaches.fill()  // the concurrency pool's threads cache freed work items: start full
        let jobs = self.jobs
        switch kind {
        case .neverAwaited: handler = Task { await runNeverAwaited(jobs) }
        case .discarding: handler = Task { await runDiscarding(jobs) }
        case .drainedInBatches(let every): handler = Task { await runDrainedInBatches(jobs, every: every) }
        }
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        await withCheckedContinuation { done in submit.yield(Job(id: index, done: done)) }
        submitted += 1
    }

    /// Checks the results the group still holds against the variant's claim, then ends the service.
    func tearDown(context: ScenarioContext) async throws {
        let held = JobOutcome.live.live
        submit.finish()
        await handler?.value
        let expected: ClosedRange<Int>
        switch kind {
        case .neverAwaited: expected = max(0, submitted - 2)...submitted
        case .discarding: expected = 0...2
        case .drainedInBatches(let every): expected = 0...every + 1
        }
        try IndependentCheckFailed.check("job outcomes held by the group", expected: expected, measured: held, iterations: submitted)
    }
}

// leaklab:begin group-never-awaited
/// The service's job handler: a child task per job in one group that lives as long as the service.
func runNeverAwaited(_ jobs: AsyncStream<Job>) async {
    await withTaskGroup(of: JobOutcome.self) { group in
        for await job in jobs {
            group.addTask { job.run() }
            // No next(): each finished child and its outcome stay queued in the group.
        }
    }
}
// leaklab:end group-never-awaited

// leaklab:begin discarding-group
/// The fix: a discarding group frees each child (and what it returned) as soon as it finishes.
func runDiscarding(_ jobs: AsyncStream<Job>) async {
    await withDiscardingTaskGroup { group in
        for await job in jobs {
            group.addTask { _ = job.run() }
        }
    }
}
// leaklab:end discarding-group

// leaklab:begin group-drained-in-batches
/// A look-alike: a plain group that awaits its finished children every `every` jobs.
func runDrainedInBatches(_ jobs: AsyncStream<Job>, every: Int) async {
    await withTaskGroup(of: JobOutcome.self) { group in
        var pending = 0
        for await job in jobs {
            group.addTask { job.run() }
            pending += 1
            if pending >= every {
                while pending > 0, await group.next() != nil { pending -= 1 }
            }
        }
    }
}
// leaklab:end group-drained-in-batches
