import Foundation
import LeakLabModel
import Synchronization

/// Runs many plans, `jobs` children at a time, and hands each result over as soon as it is in,
/// so a caller can journal it before the next one finishes.
public struct MatrixRunner: Sendable {
    public var runner: Runner
    public var jobs: Int

    public init(runner: Runner, jobs: Int) {
        self.runner = runner
        self.jobs = max(1, jobs)
    }

    /// Runs every plan; `onFinished` is called once per plan, one call at a time (never
    /// concurrently), in completion order. Returns the results in plan order.
    ///
    /// - Parameter finishing: applied to each record on the worker that ran it, before
    ///   `onFinished` (detectors run here, in parallel).
    public func run(
        _ plans: [RunPlan],
        finishing: @escaping @Sendable (RunRecord) -> RunRecord = { $0 },
        onFinished: @escaping @Sendable (Int, Result<RunRecord, RunnerError>) -> Void
    ) -> [Result<RunRecord, RunnerError>] {
        let state = SharedState(count: plans.count)
        let runner = self.runner
        let workers = min(jobs, max(1, plans.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            // Plain threads: each blocks in poll() on its child, which must not starve the
            // concurrency runtime's small pool.
            let thread = Thread {
                while let index = state.next() {
                    let result: Result<RunRecord, RunnerError>
                    do throws(RunnerError) { result = .success(finishing(try runner.run(plans[index]))) } catch { result = .failure(error) }
                    state.finish(index, result, report: onFinished)
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return state.results().map { $0! }
    }
}

/// The next plan to run and the results so far, behind one lock.
private final class SharedState: Sendable {
    private struct Progress {
        var nextIndex = 0
        var results: [Result<RunRecord, RunnerError>?]
    }
    private let progress: Mutex<Progress>
    private let count: Int

    init(count: Int) {
        self.count = count
        progress = Mutex(Progress(results: Array(repeating: nil, count: count)))
    }

    func next() -> Int? {
        progress.withLock { progress in
            guard progress.nextIndex < count else { return nil }
            defer { progress.nextIndex += 1 }
            return progress.nextIndex
        }
    }

    /// Records a result and reports it under the lock, so reports never run concurrently.
    func finish(_ index: Int, _ result: Result<RunRecord, RunnerError>, report: (Int, Result<RunRecord, RunnerError>) -> Void) {
        progress.withLock { progress in
            progress.results[index] = result
            report(index, result)
        }
    }

    func results() -> [Result<RunRecord, RunnerError>?] { progress.withLock { $0.results } }
}
