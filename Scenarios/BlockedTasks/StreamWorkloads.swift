import LeakLabKit

// leaklab:begin stream-never-finished
/// A consumer iterates a stream; the producer drops its continuation without finishing it, so
/// the consumer waits for an element that never comes.
final class StreamNeverFinished: ScenarioWorkload {
    let tasksPerIteration: Int
    init(tasksPerIteration: Int) { self.tasksPerIteration = tasksPerIteration }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<tasksPerIteration {
            let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
            Task.detached {
                for await _ in stream {}
            }
            continuation.yield(index)
            // Returning drops the continuation: the stream is not finished by that.
        }
    }
}
// leaklab:end stream-never-finished

// leaklab:begin stream-finished
/// The producer finishes the stream when it is done, so the consumer's loop ends.
final class StreamFinished: ScenarioWorkload {
    let tasksPerIteration: Int
    init(tasksPerIteration: Int) { self.tasksPerIteration = tasksPerIteration }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<tasksPerIteration {
            let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
            let consumer = Task.detached {
                for await _ in stream {}
            }
            continuation.yield(index)
            continuation.finish()  // the fix: always finish
            await consumer.value
        }
    }
}
// leaklab:end stream-finished
