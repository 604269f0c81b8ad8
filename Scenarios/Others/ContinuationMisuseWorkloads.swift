import LeakLabKit

/// The run was asked for more iterations than this scenario allows.
struct IterationCapExceeded: Error, CustomStringConvertible {
    let cap: Int
    var description: String {
        "continuation-misuse-report stops at \(cap) iterations (max-iterations): the runtime's leak grows quadratically (1,000 iterations leak ~90 MB, 10,000 ~9 GB)"
    }
}

// leaklab:begin checked-continuation-dropped
/// Each task's continuation is dropped without resuming; the runtime reports the misuse.
final class CheckedContinuationDropped: ScenarioWorkload {
    let maxIterations: Int
    init(maxIterations: Int) { self.maxIterations = maxIterations }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard index < maxIterations else { throw IterationCapExceeded(cap: maxIterations) }
        await withUnsafeContinuation { (started: UnsafeContinuation<Void, Never>) in
            Task.detached {
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in
                    started.resume()  // lets the iteration go on (measurement only)
                    // Dropped: "SWIFT TASK CONTINUATION MISUSE ... leaked its continuation".
                }
            }
        }
    }
}
// leaklab:end checked-continuation-dropped

// leaklab:begin checked-continuation-resumed
/// The same task, resumed exactly once; the iteration waits for it. (No cap needed: nothing leaks.)
final class CheckedContinuationResumed: ScenarioWorkload {
    /// The default run is short (60 iterations); fill libdispatch's per-thread caches of freed
    /// work items first, or their filling reads as ~100 B per iteration.
    func setUp(context: ScenarioContext) async throws {
        for index in 0..<2_000 { try await iteration(index, context: context) }
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let task = Task.detached {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                continuation.resume()
            }
        }
        await task.value
    }
}
// leaklab:end checked-continuation-resumed
