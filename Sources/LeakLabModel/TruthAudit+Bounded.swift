import LeakLabKit

extension TruthAudit {
    /// A bounded look-alike: it stops growing (within its cap, by the declared point) or gives
    /// back in settle. Judged on the longer run where there is one: a plateau reached late in
    /// the first run has room to show there, and a plateau must hold over its second half —
    /// growth like log n, which a slope comparison takes for a plateau, keeps adding there.
    static func boundedChecks(_ truth: GroundTruth, primary: RunRecord, longer: RunRecord?) -> [Check] {
        let run = longer ?? primary
        let label = longer == nil ? "" : " at \(run.workloadIterations) it."
        var checks: [Check] = []
        for metric in [LeakMetric.bytes, .nonHeapBytes, .fds, .threads] {
            guard let baseline = run.trace.baseline.flatMap({ LeakMeasurement.value(metric, in: $0) }),
                let end = run.trace.samples(in: .workload).last.flatMap({ LeakMeasurement.value(metric, in: $0) }),
                let secondHalf = LeakMeasurement.meanRate(metric, in: run.trace, from: run.workloadIterations / 2, to: run.workloadIterations)
            else { continue }
            let settled = run.trace.samples(in: .settle).last.flatMap { LeakMeasurement.value(metric, in: $0) } ?? end
            let grown = end - baseline, kept = settled - baseline
            let lateGrowth = secondHalf * Double(run.workloadIterations - run.workloadIterations / 2)
            let allowance = scalingAllowance(metric)
            // RSS outside the heap moves with the machine's load (thread stacks, page cache of
            // the runtime): judged only where there is real non-heap growth to judge.
            if metric == .nonHeapBytes, grown < 4 * allowance, truth.perIteration.nonHeapBytes == 0 { continue }
            // Held: little added in the second half, and no steady rate there either (a slow
            // linear leak can add less than the allowance and still never stop). A steady rate is
            // one the robust slope sees, unless the envelope stays put: a sawtooth (fill, clear,
            // fill again) has a rising slope within each tooth and still never grows.
            let limit = max(truth.tolerance[metric], metric.isCount ? 0 : 1)
            let lateSlope = LeakMeasurement.slope(metric, in: run.trace, from: run.workloadIterations / 2) ?? 0
            let envelope = LeakMeasurement.envelopeRate(metric, in: run.trace, from: run.workloadIterations / 2, to: run.workloadIterations)
            let steady = lateSlope > limit && (envelope.map { $0 > limit } ?? true)
            let held = lateGrowth <= allowance && !steady
            let givenBack = kept <= max(allowance, grown * 0.2)
            let envelopeText = envelope.map { ", its peaks and troughs \(figure($0))/iteration" } ?? ""
            checks.append(
                Check(
                    name: "\(metric.rawValue) bounded\(label)",
                    measured:
                        "\(figure(lateGrowth)) added in the second half (\(figure(lateSlope))/iteration\(envelopeText)); \(figure(kept)) of \(figure(grown)) kept after settle",
                    declared: "at most \(figure(allowance)) added late at no steady rate (≤ \(figure(limit))/iteration), or given back",
                    passed: held || givenBack))
        }
        guard case .bounded(let cap, let reachedBy) = truth.shape else { return checks }
        if cap.bytes > 0, let peak = peakGrowth(.bytes, in: run.trace) {
            let limit = cap.bytes * 1.25 + 64 * 1024
            checks.append(
                Check(
                    name: "bytes cap\(label)", measured: "\(figure(peak)) B at most",
                    declared: "≤ \(figure(cap.bytes)) B (+25 % + 64 KiB)", passed: peak <= limit))
        }
        if let reachedBy {
            let point = reachedBy.workloadIteration(of: primary.workloadIterations)
            if point < run.workloadIterations - 2, let late = LeakMeasurement.meanRate(.bytes, in: run.trace, from: point, to: run.workloadIterations) {
                let added = late * Double(run.workloadIterations - point)
                checks.append(
                    Check(
                        name: "bytes flat from iteration \(point)\(label)", measured: "\(figure(added)) added",
                        declared: "at most \(figure(scalingAllowance(.bytes)))", passed: added <= scalingAllowance(.bytes)))
            }
        }
        return checks
    }

    /// The most `metric` rose above its baseline during the workload.
    static func peakGrowth(_ metric: LeakMetric, in trace: Trace) -> Double? {
        guard let baseline = trace.baseline.flatMap({ LeakMeasurement.value(metric, in: $0) }) else { return nil }
        return trace.samples(in: .workload).compactMap { LeakMeasurement.value(metric, in: $0) }.max().map { $0 - baseline }
    }

    /// A declared one-off cost: what is kept after tear-down beyond the per-iteration leak.
    static func oneOffChecks(_ truth: GroundTruth, run: RunRecord) -> [Check] {
        var checks: [Check] = []
        let iterations = Double(run.warmUpIterations + run.workloadIterations)
        for metric in [LeakMetric.bytes, .objects] where truth.oneOff[metric] != 0 {
            guard let kept = LeakMeasurement.keptAtExit(metric, in: run.trace) else { continue }
            let measured = kept - truth.perIteration[metric] * iterations
            // What the host itself keeps at exit (a few KiB: the settle timer, the channel) is
            // within the tolerance.
            let tolerance = max(truth.oneOff[metric] * 0.1, metric == .bytes ? 4 * 1024 : 16)
            checks.append(
                Check(
                    name: "\(metric.rawValue) one-off", measured: figure(measured),
                    declared: declared(truth.oneOff[metric], tolerance), passed: agrees(measured, truth.oneOff[metric], tolerance)))
        }
        return checks
    }
}
