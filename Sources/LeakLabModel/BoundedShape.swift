/// Whether a run that grew stayed bounded: it plateaued during the workload, or gave its growth
/// back during settle. This is how a bounded decoy's truth is checked.
public struct BoundedShape: Codable, Sendable, Equatable {
    public var metric: Metric
    /// Growth per iteration over the first half of the workload.
    public var earlySlope: Double
    /// Growth per iteration over the second half of the workload.
    public var lateSlope: Double
    /// Growth from the baseline to the end of the workload.
    public var workloadGrowth: Double
    /// Growth from the baseline to the last settle sample.
    public var settledGrowth: Double
    /// The workload iteration the early and late slopes are split at: the declared `reachedBy`
    /// when it falls inside the run, else absent (the workload's halves).
    public var splitIteration: Int?

    /// Below this late slope a metric counts as flat: 16 B, or a fiftieth of an fd or thread.
    var flatSlope: Double { metric.isBytes ? 16 : 0.02 }
    /// Below this a settled remainder counts as given back: 64 KiB, or one fd or thread.
    var givenBack: Double { metric.isBytes ? 64 * 1024 : 1 }

    /// The late slope is under a fifth of the early one, or flat.
    public var plateaued: Bool { lateSlope <= max(flatSlope, earlySlope * 0.2) }
    /// Settle gave back at least four fifths of what the workload added.
    public var fellBack: Bool { settledGrowth <= max(givenBack, workloadGrowth * 0.2) }
    public var isBounded: Bool { plateaued || fellBack }

    /// Measures the shape of `metric`; by default `allocated` (or RSS where the allocator gives no count).
    ///
    /// - Parameter plateauFrom: the workload iteration by which the variant declares it has
    ///   stopped growing (`.bounded(cap:reachedBy:)`); the late slope is measured after it, so a
    ///   decoy that fills until then is not taken for one that never stops. Ignored unless at least
    ///   two samples fall on each side of it.
    public static func measure(_ trace: Trace, metric requested: Metric? = nil, plateauFrom: Int? = nil) -> BoundedShape? {
        let metric = requested ?? (trace.samples.contains { $0.allocated != nil } ? .allocated : .rss)
        let workload = trace.samples(in: .workload).filter { $0[metric] != nil }
        guard let baseline = trace.baseline?[metric], workload.count >= 4,
            let end = workload.last?[metric]
        else { return nil }
        var half = workload.count / 2
        var split: Int?
        if let plateauFrom {
            let index = workload.firstIndex { $0.iteration - trace.warmUpIterations > plateauFrom } ?? workload.count
            if index >= 2, workload.count - index >= 2 {
                half = index
                split = plateauFrom
            }
        }
        func slope(_ samples: ArraySlice<Sample>) -> Double {
            Statistics.robustSlope(samples.map { (Double($0.iteration), Double($0[metric]!)) }) ?? 0
        }
        let settled = trace.samples(in: .settle).last?[metric] ?? end
        return BoundedShape(
            metric: metric, earlySlope: slope(workload[..<half]), lateSlope: slope(workload[half...]),
            workloadGrowth: Double(end - baseline), settledGrowth: Double(settled - baseline), splitIteration: split)
    }
}
