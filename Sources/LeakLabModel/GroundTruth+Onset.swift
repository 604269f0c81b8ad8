import LeakLabKit

extension GroundTruth {
    /// The workload iteration a leak declared with an onset starts at, in a run of
    /// `workloadIterations`; 0 for any other shape (a leak that starts with the workload, or no leak).
    ///
    /// `run` measures growth from here (``Growth/measure(_:judgedAgainst:workloadIterations:)``)
    /// and `audit` checks the rate after it and flatness before it: a rate over the whole
    /// workload would dilute a late leak's rate by the flat stretch before it.
    public func leakOnset(inWorkloadOf workloadIterations: Int) -> Int {
        guard case .onset(let point) = shape else { return 0 }
        return point.workloadIteration(of: workloadIterations)
    }

    /// The workload iteration a bounded variant declares it has stopped growing by
    /// (`.bounded(cap:reachedBy:)`), in a run of `workloadIterations`; `nil` when it declares none.
    public func plateauIteration(inWorkloadOf workloadIterations: Int) -> Int? {
        guard case .bounded(_, let reachedBy?) = shape else { return nil }
        return reachedBy.workloadIteration(of: workloadIterations)
    }
}
