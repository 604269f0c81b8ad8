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
                checks.append(
                    Check(
                        name: "\(metric.rawValue)/iteration testable", measured: "not testable: ± \(figure(truth.tolerance[metric])) admits 0",
                        declared: "tolerance below \(figure(abs(truth.perIteration[metric])))", passed: true))
            }
            if untestable.count == declaredMetrics.count, !isSublinear(truth) {
                checks.append(
                    Check(
                        name: "leak testable",
                        measured: declaredMetrics.isEmpty ? "no figure per iteration" : "every figure's tolerance admits 0",
                        declared: "a leak declares at least one figure its tolerance tells from 0", passed: false))
            }
        }
        let onset = truth.leakOnset(inWorkloadOf: run.workloadIterations)
        // An onset at or after the end of the workload: nothing may leak in this run.
        let leaksHere = onset < run.workloadIterations - 2
        for metric in checkedMetrics(truth, trace) {
            let value = leaksHere ? truth.perIteration[metric] : 0
            let tolerance = truth.tolerance[metric]
            if leaksHere, let rate = LeakMeasurement.slope(metric, in: trace, from: onset) {
                // The robust slope over the window ignores a flat stretch of up to ~25 % of it, so
                // the first quarter after the onset is read on its own as well: a leak that starts
                // well after its declared onset (or a linear declaration of a leak with an onset)
                // shows there. A robust slope, not a mean: the runtime's caches can step by 64 KiB
                // once in a run, which a mean over a short window would take for a rate.
                let quarterEnd = onset + max(8 * run.sampleEvery, (run.workloadIterations - onset) / 4)
                let early = LeakMeasurement.slope(metric, in: trace, from: onset, to: quarterEnd) ?? rate
                let window = onset > 0 ? " from iteration \(onset)" : ""
                // Only a flat stretch is looked for there, so the slack is wide (a quarter of the figure).
                let accelerating = truth.shape == .superlinear
                // A rate that varies by design may vary within a run too: there the first quarter
                // need only show that the leak has started (a quarter of the declared rate).
                let started = truth.rateVaries ? abs(early) >= abs(value) * 0.25 : agrees(early, value, max(tolerance, abs(value) * 0.25))
                // Blocks per iteration are the heap part's second figure and noisier (runtime
                // bookkeeping comes and goes); its bytes carry the onset check.
                let both = agrees(rate, value, tolerance) && (accelerating || started || metric == .objects)
                // When only the first quarter is off, the row says so: both numbers may agree.
                let quarterMissed = !started && agrees(rate, value, tolerance) && !accelerating && metric != .objects
                checks.append(
                    Check(
                        name: "\(metric.rawValue)/iteration\(window)\(label)",
                        measured: abs(early - rate) <= max(0.005, tolerance / 10) ? figure(rate) : "\(figure(rate)) (first quarter \(figure(early)))",
                        declared: declared(value, tolerance) + (truth.rateVaries ? " (varies)" : "")
                            + (quarterMissed
                                ? ", from its first quarter on (to iteration \(quarterEnd)): the leak starts later than declared" : ""),
                        passed: both))
            }
            // Before the onset: the mean rate from the baseline to the onset, not a robust slope,
            // which would ignore a leak that starts a little earlier than declared.
            let flatUntil = leaksHere ? onset : run.workloadIterations
            if flatUntil > 0, truth.perIteration[metric] != 0,
                let before = LeakMeasurement.meanRate(metric, in: trace, from: 0, to: flatUntil)
            {
                checks.append(
                    Check(
                        name: "\(metric.rawValue)/iteration before iteration \(flatUntil)\(label)", measured: figure(before),
                        declared: declared(0, tolerance), passed: agrees(before, 0, tolerance)))
            }
        }
        // What leaked stays: a look-alike gives its growth back in settle, a leak does not.
        for metric in [LeakMetric.bytes, .fds, .threads] where leaksHere && truth.perIteration[metric] > 0 {
            guard let shape = BoundedShape.measure(trace, metric: metric.sampleMetric),
                shape.workloadGrowth > 0
            else { continue }
            let kept = shape.settledGrowth / shape.workloadGrowth
            checks.append(
                Check(
                    name: "\(metric.rawValue) kept after settle\(label)", measured: "\(Int((kept * 100).rounded())) % of the workload's growth",
                    declared: "at least half (a leak is not given back)", passed: kept >= 0.5))
        }
        return checks
    }

    /// Whether `run` has samples enough after the truth's onset for a rate: some declared figure
    /// has a slope there.
    static func measurableAfterOnset(_ truth: GroundTruth, _ run: RunRecord) -> Bool {
        let onset = truth.leakOnset(inWorkloadOf: run.workloadIterations)
        guard onset < run.workloadIterations - 2 else { return false }
        return checkedMetrics(truth, run.trace).contains { LeakMeasurement.slope($0, in: run.trace, from: onset) != nil }
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
                let long = LeakMeasurement.heldAfterSettle(metric, in: longer.trace)
            else { continue }
            let allowance = scalingAllowance(metric)
            checks.append(
                Check(
                    name: "\(metric.rawValue) held after settle grows with N",
                    measured: "\(figure(short)) at \(primary.workloadIterations) it., \(figure(long)) at \(longer.workloadIterations)",
                    declared: "more than \(figure(allowance)) added", passed: long - short > allowance))
            if let first = LeakMeasurement.slope(metric, in: primary.trace),
                let second = LeakMeasurement.slope(metric, in: longer.trace)
            {
                checks.append(
                    Check(
                        name: "\(metric.rawValue)/iteration falls", measured: "\(figure(first)) → \(figure(second))",
                        declared: "below ¾ of the shorter run's rate (slower than linear)", passed: second < 0.75 * first))
            }
        }
        return checks
    }

    /// A superlinear leak: the longer run's rate is higher than the shorter's.
    static func acceleratingChecks(primary: RunRecord, longer: RunRecord?) -> [Check] {
        guard let longer, let first = LeakMeasurement.slope(.bytes, in: primary.trace),
            let second = LeakMeasurement.slope(.bytes, in: longer.trace)
        else {
            return [Check(name: "bytes/iteration rises", measured: "no longer run", declared: "a run at 4N", passed: false)]
        }
        return [
            Check(
                name: "bytes/iteration rises", measured: "\(figure(first)) → \(figure(second)) at \(longer.workloadIterations) it.",
                declared: "above 1¼ × the shorter run's rate (faster than linear)", passed: second > 1.25 * first)
        ]
    }

    static func isSublinear(_ truth: GroundTruth) -> Bool {
        if case .sublinear = truth.shape { true } else { false }
    }

    /// The metrics a sublinear leak's parts name.
    static func sublinearMetrics(_ truth: GroundTruth) -> [LeakMetric] {
        var metrics: [LeakMetric] = []
        for part in truth.parts {
            let metric: LeakMetric =
                switch part.kind {
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
