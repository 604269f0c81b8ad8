import LeakLabKit

/// How the lab measures each metric a truth declares, from a run's samples.
///
/// - `bytes`: jemalloc `stats.allocated` (glibc `uordblks + hblkhd`, tcmalloc's current bytes);
/// - `objects`: mallocs − frees (exact with jemalloc's thread cache off);
/// - `fds`, `threads`: /proc, exact;
/// - `nonHeapBytes`: RSS minus the allocator's own resident bytes (jemalloc `stats.resident`, else
///   the allocated bytes): what the process keeps resident outside the malloc heap.
///
/// `tasks`: live Swift tasks, counted in the child (docs/task-census.md); where no sample carries a figure, the metric is
/// unmeasured (`nil`), never 0.
public enum LeakMeasurement {
    /// The value of `metric` in one sample, if the sample carries what it needs.
    public static func value(_ metric: LeakMetric, in sample: Sample) -> Double? {
        switch metric {
        case .bytes: sample.allocated.map(Double.init)
        case .objects: sample.liveObjects.map(Double.init)
        case .fds: sample.fds.map(Double.init)
        case .threads: sample.threads.map(Double.init)
        case .tasks: sample.tasks.map(Double.init)
        case .nonHeapBytes:
            sample.rss.flatMap { rss in (sample.resident ?? sample.allocated).map { Double(rss - $0) } }
        }
    }

    /// Growth per iteration of `metric` over the workload iterations `from..<to` (0-based workload
    /// iterations; `to` nil = the end), by Theil–Sen slope; `nil` when fewer than three samples
    /// carry the metric there.
    ///
    /// The window takes the last sample at or before `from` as its starting point, so a window
    /// from 0 starts at the baseline (the end of warm-up).
    public static func slope(_ metric: LeakMetric, in trace: Trace, from: Int = 0, to: Int? = nil) -> Double? {
        let points = window(trace, from: from, to: to).compactMap { sample in
            value(metric, in: sample).map { (Double(sample.iteration), $0) }
        }
        guard points.count >= 3 else { return nil }
        return Statistics.robustSlope(points)
    }

    /// How fast the envelope of `metric` rises between workload iterations `from` and `to`, per
    /// iteration: the window is cut in two halves, and the smaller of the rises of its maximum and
    /// of its minimum from the first half to the second is spread over the iterations between the
    /// halves' middles. A leak lifts both the peaks and the troughs; a sawtooth that fills and is
    /// cleared lifts neither, however steep each tooth. `nil` with fewer than 4 samples a half.
    public static func envelopeRate(_ metric: LeakMetric, in trace: Trace, from: Int, to: Int) -> Double? {
        let middle = from + (to - from) / 2
        let points = window(trace, from: from, to: to).compactMap { sample in value(metric, in: sample).map { (sample.iteration, $0) } }
        let first = points.filter { $0.0 < middle }.map(\.1), second = points.filter { $0.0 >= middle }.map(\.1)
        guard first.count >= 4, second.count >= 4, let firstMax = first.max(), let firstMin = first.min(),
            let secondMax = second.max(), let secondMin = second.min()
        else { return nil }
        return min(secondMax - firstMax, secondMin - firstMin) / Double(max(1, (to - from) / 2))
    }

    /// The mean growth per iteration of `metric` between workload iterations `from` and `to`: the
    /// difference of the samples nearest those points over the iterations between them. Unlike
    /// ``slope(_:in:from:to:)`` it counts every step, so growth in a part of the window shows.
    public static func meanRate(_ metric: LeakMetric, in trace: Trace, from: Int, to: Int) -> Double? {
        let samples = window(trace, from: from, to: to)
        guard let first = samples.first, let last = samples.last, last.iteration > first.iteration,
            let start = value(metric, in: first), let end = value(metric, in: last)
        else { return nil }
        return (end - start) / Double(last.iteration - first.iteration)
    }

    /// What the run kept of `metric` at the end of settle, above its baseline (the end of warm-up).
    public static func retained(_ metric: LeakMetric, in trace: Trace) -> Double? {
        guard let baseline = trace.baseline.flatMap({ value(metric, in: $0) }),
            let settled = (trace.samples(in: .settle).last ?? trace.samples(in: .workload).last).flatMap({ value(metric, in: $0) })
        else { return nil }
        return settled - baseline
    }

    /// What the run held of `metric` at the end of settle, above the very first sample (taken before
    /// set-up, so the same in every run of a variant): unlike ``retained(_:in:)`` it does not
    /// depend on what was in flight at the end of warm-up, so runs of N and 4N iterations compare.
    public static func heldAfterSettle(_ metric: LeakMetric, in trace: Trace) -> Double? {
        guard let first = trace.samples.first.flatMap({ value(metric, in: $0) }),
            let settled = (trace.samples(in: .settle).last ?? trace.samples(in: .workload).last).flatMap({ value(metric, in: $0) })
        else { return nil }
        return settled - first
    }

    /// What the run kept of `metric` after tear-down, above the very first sample (before set-up):
    /// the one-off cost plus whatever the iterations left behind.
    public static func keptAtExit(_ metric: LeakMetric, in trace: Trace) -> Double? {
        guard let first = trace.samples.first.flatMap({ value(metric, in: $0) }),
            let last = trace.samples(in: .tearDown).last.flatMap({ value(metric, in: $0) })
        else { return nil }
        return last - first
    }

    /// Workload samples whose workload iteration lies in `from...to`, with the last sample at or
    /// before `from` (the baseline for `from == 0`) in front.
    static func window(_ trace: Trace, from: Int, to: Int?) -> [Sample] {
        let start = trace.warmUpIterations + from
        let end = to.map { trace.warmUpIterations + $0 } ?? Int.max
        var samples = trace.samples.filter { $0.phase == .workload && $0.iteration > start && $0.iteration <= end }
        if let anchor = trace.samples.last(where: { $0.phase <= .workload && $0.iteration <= start }) {
            samples.insert(anchor, at: 0)
        }
        return samples
    }
}

extension LeakMetric {
    /// The sample metric this figure is the slope of, where there is one.
    var sampleMetric: Metric {
        switch self {
        case .bytes: .allocated
        case .objects: .liveObjects
        case .fds: .fds
        case .threads: .threads
        case .tasks: .tasks
        case .nonHeapBytes: .rss
        }
    }
}
