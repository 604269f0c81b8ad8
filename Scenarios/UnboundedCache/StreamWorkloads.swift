import LeakLabKit

// Both workloads drive their consumer in step with the iterations (one event each), so the
// backlog is deterministic: `producer-rate − 1` events per iteration until a policy caps it.

// leaklab:begin unbounded-buffer
/// A producer that outpaces its consumer, on a stream with the default `.unbounded` buffer.
final class UnboundedBacklog: ScenarioWorkload {
    let eventBytes: Int, producerRate: Int
    let events: AsyncStream<[UInt8]>.Continuation
    var consumer: AsyncStream<[UInt8]>.Iterator
    var handled = 0

    init(eventBytes: Int, producerRate: Int) {
        self.eventBytes = eventBytes
        self.producerRate = producerRate
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)  // bufferingPolicy: .unbounded
        self.events = continuation
        self.consumer = stream.makeAsyncIterator()
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<producerRate {
            events.yield([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: eventBytes))  // always .enqueued
        }
        if let event = await consumer.next() { handled &+= event.count }  // the slow consumer: one per iteration
    }

    func tearDown(context: ScenarioContext) async throws { events.finish() }
}
// leaklab:end unbounded-buffer

// leaklab:begin buffering-newest
/// The same producer and consumer on a stream that keeps only the newest `limit` events.
final class BoundedBacklog: ScenarioWorkload {
    let eventBytes: Int, producerRate: Int
    let events: AsyncStream<[UInt8]>.Continuation
    var consumer: AsyncStream<[UInt8]>.Iterator
    var handled = 0, dropped = 0

    init(eventBytes: Int, producerRate: Int, limit: Int) {
        self.eventBytes = eventBytes
        self.producerRate = producerRate
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(limit))
        self.events = continuation
        self.consumer = stream.makeAsyncIterator()
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<producerRate {
            let result = events.yield([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: eventBytes))
            if case .dropped = result { dropped += 1 }  // shed load is counted, not hidden
        }
        if let event = await consumer.next() { handled &+= event.count }
    }

    func tearDown(context: ScenarioContext) async throws { events.finish() }
}
// leaklab:end buffering-newest
