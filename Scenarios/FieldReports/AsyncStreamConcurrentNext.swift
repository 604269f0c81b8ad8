import FieldReportsSupport
import LeakLabKit

/// swiftlang/swift #71412: iterating one `AsyncStream` from several tasks at once could leave some
/// of them suspended forever after `finish()`. Closed; on Swift 6.3.1 every consumer ends.
let asyncStreamConcurrentNextScenario = Scenario(
    id: "field-asyncstream-concurrent-next",
    title: "Concurrent iterators of one AsyncStream left suspended after finish() (swift #71412): does not reproduce",
    pattern: .blockedTasks,
    summary: """
        A fan-in helper lets two tasks iterate the same `AsyncStream`, then finishes the stream. \
        The report (Swift 5.9, 2024) saw some iterators never resume after `finish()`: each left \
        a task suspended forever. AsyncStream does not support concurrent iteration, but allowed \
        it. Closed upstream; on Swift 6.3.1 every consumer here ends after `finish()`, so the \
        variant is clean: the behaviour no longer reproduces.
        """,
    training: Training(
        symptoms: """
            What users saw: `withTaskGroup` over several consumers of one stream never returned \
            ("done" never printed): the iterators still waiting were never resumed, each a \
            suspended task. Here, on Swift 6.3.1: nothing grows, and the kernel counts both \
            consumers of every stream ending.
            """,
        detection: """
            Root cause (as reported): the stream's storage kept one waiting continuation; a second \
            concurrent `next()` replaced the first, which `finish()` then never resumed. A \
            regression would show as a task and its frame per stream (blocked tasks: reachable, \
            invisible to memcheck, visible to allocation trends); the kernel's own count of \
            consumers still running would fail the run at tear-down.
            """,
        fix: """
            Do not iterate one AsyncStream from several tasks: give each consumer its own stream \
            (a broadcaster with a continuation per subscriber), or fan out from a single iterating \
            task. On Swift 6.3.1 the runtime resumes every waiting iterator on finish().
            """,
        mirrors: "Go: several goroutines ranging over one channel; close() wakes them all."),
    parameters: [],
    defaultIterations: 1_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "two-consumers-then-finish", role: .fixed,
            summary: "two tasks iterate one stream; finish() must end both (once it did not)",
            truth: .clean(
                note:
                    "Measured 0 B per stream on Swift 6.3.1, and the kernel counts both consumers of every stream ending: the report's hang does not reproduce."
            ),
            source: SourceLocation(region: "two-consumers-then-finish"),
            makeWorkload: { _ in ConcurrentConsumers() })
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift/issues/71412",
            title: "Concurrent iteration of `AsyncStream` can 'leak' continuations", date: "2024-02-06")
    ])

/// The kernel's count of consumers that started iterating and have not ended.
enum ConsumerCount {
    static let running = LiveCount("consumers still iterating")
}

final class ConcurrentConsumers: ScenarioWorkload {
    var streams = 0

    /// The concurrency pool's threads cache freed work items: start with full caches.
    func setUp(context: ScenarioContext) async throws { DispatchCaches.fill() }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        await twoConsumersThenFinish(index)
        streams += 1
    }

    /// Consumers end on the concurrency pool after finish(): wait for them before the lab samples.
    func settle(context: ScenarioContext) async throws {
        for _ in 0..<500 where ConsumerCount.running.live > 0 { try await Task.sleep(nanoseconds: 10_000_000) }
    }

    func tearDown(context: ScenarioContext) async throws {
        try IndependentCheckFailed.check("consumers still suspended", expected: 0...0, measured: ConsumerCount.running.live, iterations: streams)
    }
}

// leaklab:begin two-consumers-then-finish
/// Two tasks iterate one stream; once both are waiting, the producer yields one value and finishes.
func twoConsumersThenFinish(_ value: Int) async {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let waiting = LiveCount("consumers waiting")
    for _ in 0..<2 {
        ConsumerCount.running.increment()
        Task {
            waiting.increment()
            for await _ in stream {}
            ConsumerCount.running.decrement()  // reached only if finish() resumes this iterator
        }
    }
    while waiting.live < 2 { await Task.yield() }
    continuation.yield(value)
    continuation.finish()
}
// leaklab:end two-consumers-then-finish
