import Foundation
import LeakLabModel

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
        return state.results.map { $0! }
    }
}

/// The next plan to run and the results so far, behind one lock.
private final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    var results: [Result<RunRecord, RunnerError>?]

    init(count: Int) {
        self.count = count
        results = Array(repeating: nil, count: count)
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        defer { nextIndex += 1 }
        return nextIndex
    }

    func finish(_ index: Int, _ result: Result<RunRecord, RunnerError>, report: (Int, Result<RunRecord, RunnerError>) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        results[index] = result
        report(index, result)
    }
}
