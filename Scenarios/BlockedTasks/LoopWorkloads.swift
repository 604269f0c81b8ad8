import LeakLabKit

// leaklab:begin loop-never-cancelled
/// A background loop that polls until cancelled; the handle is dropped, so nobody ever cancels it.
final class LoopNeverCancelled: ScenarioWorkload {
    let tasksPerIteration: Int
    init(tasksPerIteration: Int) { self.tasksPerIteration = tasksPerIteration }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<tasksPerIteration {
            Task.detached {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(3_600))  // "poll every hour"
                }
            }
        }
    }
}
// leaklab:end loop-never-cancelled

// leaklab:begin loop-cancelled
/// The same loop as a child of a task group: the group cancels it when the work is done, and the
/// iteration cannot return before the loop has ended. It polls every 10 ms rather than every
/// hour: a cancelled `Task.sleep` returns at once, but on Linux its timer entry stays allocated
/// until the original deadline, so an hour-long sleep would keep ~185 B per cancelled loop alive
/// for an hour (measured). Short waits, or waiting on something cancellable, keep that bounded.
final class LoopCancelled: ScenarioWorkload {
    let tasksPerIteration: Int
    init(tasksPerIteration: Int) { self.tasksPerIteration = tasksPerIteration }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasksPerIteration {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            group.cancelAll()  // the work is done: stop the loops
        }
    }
}
// leaklab:end loop-cancelled
