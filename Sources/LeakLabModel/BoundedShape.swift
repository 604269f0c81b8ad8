/// Whether a run that grew stayed bounded: it plateaued during the workload, or gave its growth
/// back during settle. This is how a bounded decoy's truth is checked.
public struct BoundedShape: Codable, Sendable, Equatable {
    /// Bytes per iteration over the first half of the workload.
    public var earlySlope: Double
    /// Bytes per iteration over the second half of the workload.
    public var lateSlope: Double
    /// Growth from the baseline to the end of the workload, bytes.
    public var workloadGrowth: Double
    /// Growth from the baseline to the last settle sample, bytes.
    public var settledGrowth: Double

    /// The late slope is under a fifth of the early one, or under 16 B per iteration.
    public var plateaued: Bool { lateSlope <= max(16, earlySlope * 0.2) }
    /// Settle gave back at least four fifths of what the workload added.
    public var fellBack: Bool { settledGrowth <= max(64 * 1024, workloadGrowth * 0.2) }
    public var isBounded: Bool { plateaued || fellBack }

    /// Measures the shape of `allocated` (or RSS where the allocator gives no count).
    public static func measure(_ trace: Trace) -> BoundedShape? {
        let metric: Metric = trace.samples.contains { $0.allocated != nil } ? .allocated : .rss
        let workload = trace.samples(in: .workload).filter { $0[metric] != nil }
        guard let baseline = trace.baseline?[metric], workload.count >= 4,
              let end = workload.last?[metric] else { return nil }
        let half = workload.count / 2
        func slope(_ samples: ArraySlice<Sample>) -> Double {
            Statistics.leastSquaresSlope(samples.map { (Double($0.iteration), Double($0[metric]!)) }) ?? 0
        }
        let settled = trace.samples(in: .settle).last?[metric] ?? end
        return BoundedShape(
            earlySlope: slope(workload[..<half]), lateSlope: slope(workload[half...]),
            workloadGrowth: Double(end - baseline), settledGrowth: Double(settled - baseline))
    }
}
