import LeakLabKit
import Synchronization

// leaklab:begin continuation-never-resumed
/// Each task awaits a continuation that is dropped at once: nobody can ever resume it.
final class ContinuationNeverResumed: ScenarioWorkload {
    let tasksPerIteration: Int
    init(tasksPerIteration: Int) { self.tasksPerIteration = tasksPerIteration }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<tasksPerIteration {
            Task.detached {
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in
                    // The request this task waits for is never sent: the continuation is dropped.
                }
            }
        }
    }
}
// leaklab:end continuation-never-resumed

// leaklab:begin continuation-resumed
/// Each task awaits a continuation that is resumed, and the iteration waits for the task.
final class ContinuationResumed: ScenarioWorkload {
    let tasksPerIteration: Int
    init(tasksPerIteration: Int) { self.tasksPerIteration = tasksPerIteration }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<tasksPerIteration {
            let task = Task.detached {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    continuation.resume()  // the reply arrives: resume exactly once
                }
            }
            await task.value
        }
    }
}
// leaklab:end continuation-resumed

// leaklab:begin parked-until-settle
/// Waiters park on continuations kept in a list, like requests queued while a resource is busy;
/// when the load stops (settle) every waiter is resumed and its task ends.
final class ParkedUntilSettle: ScenarioWorkload {
    let tasksPerIteration: Int
    let waiters = WaiterList()
    var tasks: [Task<Void, Never>] = []
    init(tasksPerIteration: Int) { self.tasksPerIteration = tasksPerIteration }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<tasksPerIteration {
            let waiters = self.waiters
            tasks.append(
                Task.detached {
                    await withUnsafeContinuation { waiters.park($0) }
                })
        }
    }

    func settle(context: ScenarioContext) async throws {
        // A task may not have parked yet: wait until all have, then release them all.
        while waiters.parkedTotal < tasks.count {
            try await Task.sleep(for: .milliseconds(1))
        }
        waiters.resumeAll()
        for task in tasks { await task.value }
        tasks.removeAll()
    }
}
// leaklab:end parked-until-settle

/// A lock-protected list of parked continuations.
final class WaiterList: Sendable {
    private let waiting = Mutex<[UnsafeContinuation<Void, Never>]>([])
    private let parked = Mutex(0)

    /// How many continuations have ever parked.
    var parkedTotal: Int { parked.withLock { $0 } }

    func park(_ continuation: UnsafeContinuation<Void, Never>) {
        waiting.withLock { $0.append(continuation) }
        parked.withLock { $0 += 1 }
    }

    func resumeAll() {
        let all = waiting.withLock { list in
            defer { list = [] }
            return list
        }
        for continuation in all { continuation.resume() }
    }
}
