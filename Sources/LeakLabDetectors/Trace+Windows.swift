import LeakLabKit
import LeakLabModel

/// The windows of a trace the built-in detectors read. The `tearDown` sample is never used: tear-down
/// releases everything by design.
extension Trace {
    /// The trace cut after sample `index` (inclusive): what was known when that sample arrived.
    public func prefix(through index: Int) -> Trace {
        var copy = self
        copy.samples = Array(samples.prefix(max(0, index + 1)))
        // The census comes after the last settle sample: a prefix that stops earlier has not seen it.
        if copy.samples.count < samples.count { copy.census = nil }
        return copy
    }

    /// Samples of the workload phase.
    var workloadSamples: [Sample] { samples(in: .workload) }

    /// Samples of the settle phase.
    var settleSamples: [Sample] { samples(in: .settle) }

    /// The iteration the workload started from: the baseline sample's, else the declared warm-up.
    var workloadStartIteration: Int { baseline?.iteration ?? warmUpIterations }

    /// Workload iterations completed in the samples present ("items" in rule-of-thumb criteria).
    var workloadItemsDone: Int {
        guard let last = workloadSamples.last else { return 0 }
        return max(0, last.iteration - workloadStartIteration)
    }

    /// The value of `metric` when the workload started: the last sample before the workload that
    /// has it, else the first workload sample that has it.
    func baselineValue(_ metric: Metric) -> Double? {
        if let before = samples.last(where: { $0.phase < .workload && $0[metric] != nil }) {
            return before[metric].map(Double.init)
        }
        return workloadSamples.first { $0[metric] != nil }?[metric].map(Double.init)
    }

    /// The value of `metric` in the last workload sample that has it.
    func endOfWorkloadValue(_ metric: Metric) -> Double? {
        workloadSamples.last { $0[metric] != nil }?[metric].map(Double.init)
    }

    /// The value of `metric` in the last settle sample that has it: what the run kept.
    func afterSettleValue(_ metric: Metric) -> Double? {
        settleSamples.last { $0[metric] != nil }?[metric].map(Double.init)
    }

    /// Whether any sample carries `metric`.
    func has(_ metric: Metric) -> Bool {
        samples.contains { $0[metric] != nil }
    }

    /// The heap metric to judge memory by: `allocated` when the allocator counts it, else `rss`.
    var memoryMetric: Metric? {
        if has(.allocated) { return .allocated }
        if has(.rss) { return .rss }
        return nil
    }

    /// `(iteration, value)` of `metric` over the baseline sample and the workload samples.
    func workloadSeries(_ metric: Metric) -> [(x: Double, y: Double)] {
        var window = workloadSamples
        if let baseline = samples.last(where: { $0.phase < .workload && $0[metric] != nil }) {
            window.insert(baseline, at: 0)
        }
        return window.compactMap { sample in sample[metric].map { (Double(sample.iteration), Double($0)) } }
    }
}
