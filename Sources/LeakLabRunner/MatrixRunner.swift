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
        let runner = self.runner
        return WorkerPool.map(
            plans.count, jobs: jobs,
            work: { index in
                do throws(RunnerError) { return .success(finishing(try runner.run(plans[index]))) } catch { return .failure(error) }
            }, onFinished: onFinished)
    }
}
