import FieldReportsSupport
import LeakLabKit
import Synchronization

/// GraphQLSwift/GraphQL #101: a `mapStream` over an `AsyncThrowingStream` that starts a task to
/// pump the base stream and never cancels it when the mapped stream's consumer goes away.
let streamMapTerminationScenario = Scenario(
    id: "field-stream-map-termination",
    title: "A mapped AsyncThrowingStream that never cancels its pump (GraphQLSwift #101)",
    pattern: .blockedTasks,
    summary: """
        Each subscription maps a source's event stream with a helper that creates a new \
        `AsyncThrowingStream` and a `Task` pumping the base stream into it. The consumer takes \
        what it needs and stops; the helper sets no `onTermination`, so the pump stays suspended \
        on the base stream forever, keeping the base subscription registered at the source. \
        Reported in 2022 with a small reproduction; fixed in the library by cancelling the pump \
        on termination. The pattern still leaks on Swift 6.3.1.
        """,
    training: Training(
        symptoms: """
            What users saw: "the base stream is not closed/cancelled/disposed of when the \
            transformed stream is cancelled": the source keeps producing for subscribers that \
            are gone. Here: heap bytes grow by a suspended pump task, two stream storages and a \
            subscriber entry per subscription; fds and threads stay flat.
            """,
        detection: """
            Root cause: an `AsyncStream`/`AsyncThrowingStream` built around a `Task` owns that task \
            only if `onTermination` cancels it; nothing else ties their lifetimes. The pump is \
            suspended on the base stream, which the source still references, so memcheck calls \
            everything reachable and LeakSanitizer is silent; allocation trends see the slope. The \
            kernel counts the source's live subscribers itself.
            """,
        fix: """
            The library's fix: set `continuation.onTermination = { _ in pump.cancel() }` when the \
            pump is created, so a consumer that stops (or is cancelled, or drops the stream) \
            cancels the pump, which ends the base iteration and lets the source unsubscribe.
            """,
        mirrors: "Go: a goroutine forwarding from one channel to another with no done channel: it outlives its reader."),
    parameters: [],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "pump-never-cancelled", role: .leaky,
            summary: "mapStream sets no onTermination: the pump task and the base subscription outlive the consumer",
            truth: .leak(
                .heap(.reachable, bytes: 2_950, objects: 12), .tasks(1),
                note: """
                    Measured 2,955 B at 2,000 and 2,945 B at 4,000 iterations, 12 allocations per \
                    subscription (release build, jemalloc with tcache off): the suspended pump task and its frame, both streams' storage \
                    and continuations, and the subscriber entry at the source. The kernel checks \
                    the source still has every subscriber at tear-down.
                    """),
            source: SourceLocation(region: "pump-never-cancelled"),
            makeWorkload: { _ in SubscriptionWorkload(cancelsPump: false) }),
        Variant(
            name: "pump-cancelled-on-termination", role: .fixed,
            summary: "onTermination cancels the pump: the base iteration ends and the source unsubscribes",
            truth: .clean(
                note: "Measured 0 B per subscription: the pump is cancelled and the source drops the subscriber; the kernel checks none is left after settle."),
            source: SourceLocation(region: "pump-cancelled-on-termination"),
            makeWorkload: { _ in SubscriptionWorkload(cancelsPump: true) }),
    ],
    references: [
        Reference(
            url: "https://github.com/GraphQLSwift/GraphQL/issues/101",
            title: "AsyncThrowingStream.mapStream produces leaks and loses error during transformation", date: "2022-07-15")
    ])

/// An event source (a pub/sub topic): each subscriber gets a stream; the subscription is dropped
/// when that stream terminates.
final class EventSource: Sendable {
    private let subscribers = Mutex<[Int: AsyncThrowingStream<Int, Error>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// A new subscription: its id and its events.
    func subscribe() -> (id: Int, events: AsyncThrowingStream<Int, Error>) {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncThrowingStream<Int, Error>.makeStream()
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = continuation }
        return (id, stream)
    }

    /// Sends one subscriber its first event (the current state, as a GraphQL subscription does).
    func send(_ event: Int, to id: Int) {
        _ = subscribers.withLock { $0[id] }?.yield(event)
    }
}

/// One subscription per iteration: the consumer reads the first mapped event and stops.
final class SubscriptionWorkload: ScenarioWorkload {
    let cancelsPump: Bool
    let source = EventSource()
    var subscriptions = 0
    init(cancelsPump: Bool) { self.cancelsPump = cancelsPump }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let (id, base) = source.subscribe()
        let mapped = cancelsPump ? base.mapCancellingPump { "event \($0)" } : base.mapLeavingPump { "event \($0)" }
        source.send(index, to: id)
        for try await _ in mapped { break }  // the consumer has what it wanted
        subscriptions += 1
    }

    /// The concurrency pool's threads cache freed work items: start with full caches.
    func setUp(context: ScenarioContext) async throws { DispatchCaches.fill() }

    /// Cancelled pumps finish on the concurrency pool: wait for the source to see them go.
    func settle(context: ScenarioContext) async throws {
        for _ in 0..<500 where cancelsPump && source.subscriberCount > 0 { try await Task.sleep(nanoseconds: 10_000_000) }
    }

    func tearDown(context: ScenarioContext) async throws {
        let expected = cancelsPump ? 0...0 : subscriptions...subscriptions
        try IndependentCheckFailed.check("live subscribers at the source", expected: expected, measured: source.subscriberCount, iterations: subscriptions)
    }
}

extension AsyncThrowingStream where Element: Sendable, Failure == Error {
    // leaklab:begin pump-never-cancelled
    /// Maps a stream by pumping it into a new one from a task, as the report's helper did.
    func mapLeavingPump<T: Sendable>(_ transform: @escaping @Sendable (Element) -> T) -> AsyncThrowingStream<T, Error> {
        AsyncThrowingStream<T, Error> { continuation in
            Task {
                do {
                    for try await element in self { continuation.yield(transform(element)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            // No onTermination: when the consumer stops, the task waits on `self` forever.
        }
    }
    // leaklab:end pump-never-cancelled

    // leaklab:begin pump-cancelled-on-termination
    /// The fix: the mapped stream's termination cancels the pump, which ends the base iteration.
    func mapCancellingPump<T: Sendable>(_ transform: @escaping @Sendable (Element) -> T) -> AsyncThrowingStream<T, Error> {
        AsyncThrowingStream<T, Error> { continuation in
            let pump = Task {
                do {
                    for try await element in self { continuation.yield(transform(element)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in pump.cancel() }
        }
    }
    // leaklab:end pump-cancelled-on-termination
}
