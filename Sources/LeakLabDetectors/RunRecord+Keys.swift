import LeakLabModel

extension RunRecord {
    /// `scenario/variant/allocator` (the allocator asked for): what repeats of one run share, and
    /// what baselines key verdicts by.
    public var repeatKey: String { "\(scenario)/\(variant)/\(allocator.requested.rawValue)" }

    /// ``repeatKey`` plus `/seed=S` when the run has a `seed` parameter: one cell of a validate
    /// matrix, unique per run as long as repeats use different seeds. Shards and merges use it.
    public var matrixKey: String {
        parameters["seed"].map { "\(repeatKey)/seed=\($0)" } ?? repeatKey
    }

    /// This run's verdict from `detector`, if it has one.
    public func verdict(of detector: String) -> DetectorVerdict? {
        verdicts.first { $0.detector == detector }
    }
}
