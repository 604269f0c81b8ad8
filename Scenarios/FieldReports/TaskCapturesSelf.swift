import FieldReportsSupport
import LeakLabKit

/// livekit/client-sdk-swift #874: a long-running `Task` started by an object captures `self`
/// implicitly, so the object's `deinit` (which would cancel the task) never runs.
let taskCapturesSelfScenario = Scenario(
    id: "field-task-captures-self",
    title: "A long-running Task that captures self, so deinit never runs (livekit client-sdk-swift #874)",
    pattern: .blockedTasks,
    summary: """
        Each connection starts a `Task` in `init` that listens to its signal stream for as long as \
        the connection lives, and cancels it in `deinit`. The task's closure uses `self` \
        implicitly (Swift 6 allows it in `Task { }`), so the suspended task keeps the connection \
        alive, `deinit` never runs, and the task is never cancelled: connection, stream and task \
        leak together. Fixed in the SDK in 2025 by capturing `self` weakly and cancelling on \
        deinit; the pattern itself still leaks on Swift 6.3.1.
        """,
    training: Training(
        symptoms: """
            What users saw: closed connections never deinitialise, "deinit (and cancel etc.) is \
            never called"; memory grows with every connection. Here: heap bytes grow by a \
            connection, its stream's storage and a suspended task per iteration (about 2 KiB); fds \
            and threads stay flat, because a suspended task holds no thread.
            """,
        detection: """
            Root cause: `Task { }` is not a closure that escapes into a cycle you can see: it runs \
            until its body returns, and until then it retains what it captured. A task waiting on a \
            stream that only `self` can finish waits forever. The suspended task is referenced only \
            by the stream it waits on, which the connection owns, which the task holds: a cycle no \
            root reaches, so valgrind memcheck reports it lost (checked with `validate --detectors \
            memcheck`); allocation trends see it; the kernel counts live connections itself.
            """,
        fix: """
            The SDK's fix: capture `[weak self]` in long-running tasks, keep the task handle, and \
            cancel it in `deinit` (they wrapped it in an RAII `AnyTaskCancellable`). Cancelling ends \
            the stream's iteration, so the task returns and releases everything.
            """,
        mirrors: "Go: a goroutine that ranges over a channel only its owner could close: the owner is never collected."),
    parameters: [],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "task-captures-self", role: .leaky,
            summary: "the listening task uses self implicitly: it keeps the connection, deinit never cancels it",
            truth: .leak(
                .heap(.unreachable, bytes: 1_706, objects: 8.6), .tasks(1),
                spread: Leakage(objects: 0.6),
                note: """
                    Measured 1,706 B and 8.5 allocations per connection at 2,000 and 4,000 \
                    iterations, 8.98 at 8,000 (8.1–9.0 from run to run, lower on a loaded machine: declared 8.6 ± 0.6) (release build, jemalloc with tcache off): the connection, its stream's storage and continuation, and the \
                    suspended task with its frame. Unreachable: task, stream and connection hold each \
                    other and nothing else holds them (memcheck reports them lost). \
                    The kernel counts live connections and checks that none was freed.
                    """),
            source: SourceLocation(region: "task-captures-self"),
            makeWorkload: { _ in ConnectionWorkload(weakSelf: false) }),
        Variant(
            name: "task-captures-weak-self", role: .fixed,
            summary: "`[weak self]` in the task and `cancel()` in deinit: the connection and its task end together",
            truth: .clean(
                note: "Measured 0 B per connection: deinit runs, cancels the task, and the task returns; the kernel checks none is alive after settle."),
            source: SourceLocation(region: "task-captures-weak-self"),
            makeWorkload: { _ in ConnectionWorkload(weakSelf: true) }),
    ],
    references: [
        Reference(
            url: "https://github.com/livekit/client-sdk-swift/pull/874",
            title: "Fix Task cancellation leaks", date: "2025-12-15")
    ])

/// Opens a connection per iteration, delivers one signal to it and drops it.
final class ConnectionWorkload: ScenarioWorkload {
    let weakSelf: Bool
    var opened = 0
    init(weakSelf: Bool) { self.weakSelf = weakSelf }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        if weakSelf {
            WeakListeningConnection().deliver(index)
            // Close connections one at a time: the next opens once this one's listener has
            // returned, so cancelled tasks do not queue up on the pool faster than it runs them.
            while ConnectionCount.listening.live > 0 { await Task.yield() }
        } else {
            ListeningConnection().deliver(index)
        }
        opened += 1
    }

    /// The concurrency pool's threads cache freed work items: start with full caches.
    func setUp(context: ScenarioContext) async throws { DispatchCaches.fill() }

    /// Cancelled tasks finish on the concurrency pool: wait for them before the lab samples.
    func settle(context: ScenarioContext) async throws {
        for _ in 0..<500 where weakSelf && ConnectionCount.live.live + ConnectionCount.listening.live > 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    func tearDown(context: ScenarioContext) async throws {
        let expected = weakSelf ? 0...0 : opened...opened
        try IndependentCheckFailed.check("live connections", expected: expected, measured: ConnectionCount.live.live, iterations: opened)
        try IndependentCheckFailed.check("listening tasks", expected: expected, measured: ConnectionCount.listening.live, iterations: opened)
    }
}

/// The kernel's own counts: connections alive, and listening tasks whose body has not returned.
enum ConnectionCount {
    static let live = LiveCount("live connections")
    static let listening = LiveCount("listening tasks")
}

// leaklab:begin task-captures-self
/// A connection that listens to its signals in a task started in init and cancelled in deinit.
final class ListeningConnection: @unchecked Sendable {
    let (signals, feed) = AsyncStream<Int>.makeStream()
    var listener: Task<Void, Never>?
    var handled = 0

    init() {
        ConnectionCount.live.increment()
        ConnectionCount.listening.increment()
        listener = Task {
            defer { ConnectionCount.listening.decrement() }
            for await signal in signals { handle(signal) }  // implicit self: the task keeps the connection
        }
    }

    deinit {
        listener?.cancel()  // never reached: the suspended task holds self
        ConnectionCount.live.decrement()
    }

    func deliver(_ signal: Int) { feed.yield(signal) }
    func handle(_ signal: Int) { handled += 1 }
}
// leaklab:end task-captures-self

// leaklab:begin task-captures-weak-self
/// The fix: the task holds the connection weakly; deinit runs and cancels it.
final class WeakListeningConnection: @unchecked Sendable {
    let (signals, feed) = AsyncStream<Int>.makeStream()
    var listener: Task<Void, Never>?
    var handled = 0

    init() {
        ConnectionCount.live.increment()
        ConnectionCount.listening.increment()
        listener = Task { [weak self, signals] in
            defer { ConnectionCount.listening.decrement() }
            for await signal in signals { self?.handle(signal) }
        }
    }

    deinit {
        listener?.cancel()  // ends the stream's iteration: the task returns
        ConnectionCount.live.decrement()
    }

    func deliver(_ signal: Int) { feed.yield(signal) }
    func handle(_ signal: Int) { handled += 1 }
}
// leaklab:end task-captures-weak-self
