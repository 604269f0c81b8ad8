import LeakLabKit
import LeakLabModel

/// The trend test the `trend` detector runs on one metric of a trace.
///
/// A metric leaks when all of these hold over the workload (baseline sample included):
/// 1. the Theil–Sen slope is at least `floor` per iteration and Mann–Kendall says "increasing"
///    at level `alpha`;
/// 2. the trend persists: over the last half of the workload's iterations the slope is still at
///    least `floor` and at least `persistence` × the whole slope, and is itself significant (a
///    plateau concentrates its growth early and fails here);
/// 3. the rise over the workload is at least `minimumRise` and three robust standard deviations of
///    the residuals (noise that wanders is no leak);
/// 4. when settle samples exist, the value after settle still holds at least `keptFraction` of the
///    rise (a look-alike that gives its memory back in settle fails here).
struct TrendAnalysis: Sendable {
    var floor: Double
    var minimumRise: Double
    var alpha = 0.01
    var persistence = 0.5
    var keptFraction = 0.5
    var maximumPoints = 160
    var minimumPoints = 8

    struct Finding: Sendable {
        var metric: Metric
        var leak: Bool
        /// The workload's whole slope, per iteration.
        var slope: Double
        /// The slope over the last half of the workload, per iteration.
        var lateSlope: Double
        var p: Double
        var lateP: Double
        /// Whether the first test (a significant rise) passed, whatever came after.
        var rising: Bool
        /// What decided, in a few words.
        var reason: String
    }

    /// The finding for `metric`, or `nil` when the trace has too few samples of it.
    func analyze(_ trace: Trace, _ metric: Metric) -> Finding? {
        let series = RobustStatistics.thinned(trace.workloadSeries(metric), to: maximumPoints)
        guard series.count >= minimumPoints, let first = series.first, let last = series.last,
            last.x > first.x, let line = RobustStatistics.theilSen(series)
        else { return nil }
        let middle = first.x + (last.x - first.x) / 2
        let lateSeries = series.filter { $0.x >= middle }
        guard lateSeries.count >= 4, let lateLine = RobustStatistics.theilSen(lateSeries) else { return nil }
        let test = RobustStatistics.mannKendall(series.map(\.y))
        let lateTest = RobustStatistics.mannKendall(lateSeries.map(\.y))
        var finding = Finding(
            metric: metric, leak: false, slope: line.slope, lateSlope: lateLine.slope,
            p: test.pIncreasing, lateP: lateTest.pIncreasing, rising: false, reason: "")

        guard line.slope >= floor, test.pIncreasing < alpha else {
            finding.reason = test.pIncreasing < alpha ? "slope below the noise floor" : "no significant rise"
            return finding
        }
        finding.rising = true
        guard lateLine.slope >= floor, lateLine.slope >= persistence * line.slope, lateTest.pIncreasing < alpha else {
            finding.reason = "growth stops in the second half (plateau)"
            return finding
        }
        let rise = line.slope * (last.x - first.x)
        let noise = RobustStatistics.robustSigma(series.map { $0.y - line.value(at: $0.x) }) ?? 0
        guard rise >= minimumRise else {
            finding.reason =
                "rise \(metric.isBytes ? Format.bytes(rise) : Format.signed(rise)) under the fixed minimum of \(metric.isBytes ? Format.bytes(minimumRise) : Format.signed(minimumRise)) (not a noise measurement)"
            return finding
        }
        guard rise >= 3 * noise else {
            finding.reason = "rise within 3× the residual noise (\(metric.isBytes ? Format.bytes(noise) : Format.signed(noise)))"
            return finding
        }
        if let kept = trace.afterSettleValue(metric) {
            let retained = kept - line.value(at: first.x)
            guard retained >= keptFraction * rise else {
                finding.reason = "released in settle (kept \(Format.percent(retained / rise)))"
                return finding
            }
        }
        finding.leak = true
        finding.reason = "grows steadily"
        return finding
    }
}
