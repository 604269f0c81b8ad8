import LeakLabKit

extension TruthAudit {
    /// A leak's rate after its onset, flatness before it, and whether each declared figure could
    /// be told from zero at all.
    static func leakChecks(_ truth: GroundTruth, run: RunRecord, label: String) -> [Check] {
        let trace = run.trace
        var checks: [Check] = []
        if label.isEmpty {
            // A figure whose tolerance admits 0 cannot be checked: reported "not testable". A leak
            // none of whose figures can be told from zero is refused.
            let declaredMetrics = truth.declaredMetrics
            let untestable = declaredMetrics.filter { truth.tolerance[$0] >= abs(truth.perIteration[$0]) }
            for metric in untestable {
                checks.append(Check(
                    name: "\(metric.rawValue)/iteration testable", measured: "not testable: ± \(figure(truth.tolerance[metric])) admits 0",
                    declared: "tolerance below \(figure(abs(truth.perIteration[metric])))", passed: true))
            }
            if untestable.count == declaredMetrics.count, !isSublinear(truth) {
                checks.append(Check(
                    name: "leak testable",
                    measured: declaredMetrics.isEmpty ? "no figure per iteration" : "every figure's tolerance admits 0",
                    declared: "a leak declares at least one figure its tolerance tells from 0", passed: false))
            }
        }
        var onset = 0
        if case .onset(let point) = truth.shape { onset = point.workloadIteration(of: run.workloadIterations) }
        // An onset at or after the end of the workload: nothing may leak in this run.
        let leaksHere = onset < run.workloadIterations - 2
        for metric in checkedMetrics(truth, trace) {
            let value = leaksHere ? truth.perIteration[metric] : 0
            let tolerance = truth.tolerance[metric]
            if leaksHere, let rate = LeakMeasurement.slope(metric, in: trace, from: onset) {
                let window = onset > 0 ? " from it. \(onset)" : ""
                checks.append(Check(
                    name: "\(metric.rawValue)/iteration\(window)\(label)", measured: figure(rate),
                    declared: declared(value, tolerance) + (truth.rateVaries ? " (varies)" : ""),
                    passed: agrees(rate, value, tolerance)))
            }
            // Before the onset: the mean rate from the baseline to the onset, not a robust slope,
            // which would ignore a leak that starts a little earlier than declared.
            let flatUntil = leaksHere ? onset : run.workloadIterations
            if flatUntil > 0, truth.perIteration[metric] != 0,
               let before = LeakMeasurement.meanRate(metric, in: trace, from: 0, to: flatUntil) {
                checks.append(Check(
                    name: "\(metric.rawValue)/iteration before it. \(flatUntil)\(label)", measured: figure(before),
                    declared: declared(0, tolerance), passed: agrees(before, 0, tolerance)))
            }
        }
        // What leaked stays: a look-alike gives its growth back in settle, a leak does not.
        for metric in [LeakMetric.bytes, .fds, .threads] where leaksHere && truth.perIteration[metric] > 0 {
            guard let shape = BoundedShape.measure(trace, metric: metric.sampleMetric),
                  shape.workloadGrowth > 0 else { continue }
            let kept = shape.settledGrowth / shape.workloadGrowth
            checks.append(Check(
                name: "\(metric.rawValue) kept after settle\(label)", measured: "\(Int((kept * 100).rounded())) % of the workload's growth",
                declared: "at least half (a leak is not given back)", passed: kept >= 0.5))
        }
        return checks
    }

    /// A sublinear leak: it keeps more at 4N than at N, and its rate falls.
    static func sublinearChecks(
        _ truth: GroundTruth, law: GrowthShape.Sublinear, primary: RunRecord, longer: RunRecord?
    ) -> [Check] {
        guard let longer else {
            return [Check(name: "grows like \(law.rawValue)", measured: "no longer run", declared: "a run at 4N", passed: false)]
        }
        var checks: [Check] = []
        for metric in sublinearMetrics(truth) {
            guard let short = LeakMeasurement.heldAfterSettle(metric, in: primary.trace),
                  let long = LeakMeasurement.heldAfterSettle(metric, in: longer.trace) else { continue }
            let allowance = scalingAllowance(metric)
            checks.append(Check(
                name: "\(metric.rawValue) held after settle grows with N",
                measured: "\(figure(short)) at \(primary.workloadIterations) it., \(figure(long)) at \(longer.workloadIterations)",
                declared: "more than \(figure(allowance)) added", passed: long - short > allowance))
            if let first = LeakMeasurement.slope(metric, in: primary.trace),
               let second = LeakMeasurement.slope(metric, in: longer.trace) {
                checks.append(Check(
                    name: "\(metric.rawValue)/iteration falls", measured: "\(figure(first)) → \(figure(second))",
                    declared: "below ¾ of the shorter run's rate (slower than linear)", passed: second < 0.75 * first))
            }
        }
        return checks
    }

    static func isSublinear(_ truth: GroundTruth) -> Bool {
        if case .sublinear = truth.shape { true } else { false }
    }

    /// The metrics a sublinear leak's parts name.
    static func sublinearMetrics(_ truth: GroundTruth) -> [LeakMetric] {
        var metrics: [LeakMetric] = []
        for part in truth.parts {
            let metric: LeakMetric = switch part.kind {
            case .heap: .bytes
            case .nonHeapMemory: .nonHeapBytes
            case .fds: .fds
            case .threads: .threads
            case .tasks: .tasks
            }
            if !metrics.contains(metric) { metrics.append(metric) }
        }
        return metrics.isEmpty ? [.bytes] : metrics
    }
}
