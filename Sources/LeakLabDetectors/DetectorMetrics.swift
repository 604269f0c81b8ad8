import LeakLabKit
import LeakLabModel

/// A detector's score over a set of runs.
///
/// Ratios whose denominator is 0 are `nil` and absent from JSON: `precision` when the detector
/// never said leak (tp + fp = 0), `recall` when no run leaked (tp + fn = 0), `f1` = 2tp / (2tp + fp +
/// fn) when that is 0/0. Failed verdicts are counted in `failed`, verdicts on runs that did not end
/// as declared in `incomplete`, and neither in any of tp/fp/fn/tn.
public struct DetectorMetrics: Codable, Sendable, Equatable {
    public var tp: Int
    public var fp: Int
    public var fn: Int
    public var tn: Int
    /// Verdicts with `leak == nil`: the detector could not judge the run.
    public var failed: Int
    /// Verdicts on runs that did not end as their variant declares (crashed, timed out, over a
    /// budget): partial traces, not scored. Absent in JSON written before it was counted.
    public var incomplete: Int?
    public var precision: Double?
    public var recall: Double?
    public var f1: Double?
    /// Median iterations from the start of the workload to `firstIteration`, over true positives
    /// that give one.
    public var medianLatency: Double?
    /// Median of |estimated − true| / true bytes per iteration, over true positives whose truth
    /// leaks bytes (> 0) and whose verdict estimates a rate.
    public var medianRateError: Double?

    public init(
        tp: Int = 0, fp: Int = 0, fn: Int = 0, tn: Int = 0, failed: Int = 0, incomplete: Int = 0,
        medianLatency: Double? = nil, medianRateError: Double? = nil
    ) {
        self.tp = tp
        self.fp = fp
        self.fn = fn
        self.tn = tn
        self.failed = failed
        self.incomplete = incomplete
        self.precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : nil
        self.recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : nil
        self.f1 = 2 * tp + fp + fn > 0 ? Double(2 * tp) / Double(2 * tp + fp + fn) : nil
        self.medianLatency = medianLatency
        self.medianRateError = medianRateError
    }

    /// Runs judged (not failed).
    public var judged: Int { tp + fp + fn + tn }

    /// The score of `detector` over `runs`; runs without a verdict from it are left out.
    public init(detector: String, runs: [RunRecord]) {
        var counts: [VerdictOutcome: Int] = [:]
        var latencies: [Double] = [], rateErrors: [Double] = []
        for run in runs {
            guard let verdict = run.verdict(of: detector) else { continue }
            let outcome = VerdictOutcome(verdict: verdict, run: run)
            counts[outcome, default: 0] += 1
            guard outcome == .truePositive else { continue }
            if let first = verdict.firstIteration {
                latencies.append(Double(max(0, first - run.warmUpIterations)))
            }
            // Heap profilers and valgrind count requested bytes, jemalloc served ones (size
            // classes): an estimate is judged against whichever of the two it is nearer.
            let served = run.truth.perIteration.bytes, requested = run.truth.requestedBytes
            if served > 0, let estimate = verdict.ratePerIteration {
                let errors = [served, requested].filter { $0 > 0 }.map { abs(estimate - $0) / $0 }
                rateErrors.append(errors.min() ?? abs(estimate - served) / served)
            }
        }
        self.init(
            tp: counts[.truePositive] ?? 0, fp: counts[.falsePositive] ?? 0,
            fn: counts[.falseNegative] ?? 0, tn: counts[.trueNegative] ?? 0, failed: counts[.failed] ?? 0,
            incomplete: counts[.incomplete] ?? 0,
            medianLatency: RobustStatistics.median(latencies), medianRateError: RobustStatistics.median(rateErrors))
    }
}
