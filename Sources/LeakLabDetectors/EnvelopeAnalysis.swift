import LeakLabKit
import LeakLabModel

/// The growth test of the `channels` detector on one metric: does the *floor* of the series —
/// what the run never gave back — keep rising through the workload, beyond the run's own noise?
///
/// The floor is the lower envelope read backwards: at each workload sample, the least value seen
/// from that sample to the end of the trace, settle included. A leak's floor rises with it;
/// a sawtooth's stays at its troughs until the last tooth; a plateau's stops rising; memory
/// given back in settle pulls the whole floor down. The metric leaks when all hold:
///
/// 1. **rise**: the floor rises over the workload by at least `floor` (an absolute minimum in
///    the metric's unit) and at least `noiseFactor` × the run's noise, measured as the robust
///    standard deviation of the series' residuals around its Theil–Sen line;
/// 2. **keeps rising**: the second half of the workload adds at least `lateShare` of the rise,
///    and its last quarter at least `lastQuarterShare` (a plateau, or a bound filled by the
///    middle, fails here);
/// 3. **significant**: Mann–Kendall on the raw series says increasing at level `alpha`.
///
/// A series that gives back during the run — falls from its running peak by at least half of
/// its rise, in one step larger than `noiseFactor` × its step-to-step noise — is judged up to its last
/// trough, and "keeps rising" means the later half of its troughs adds `lateShare` of the rise:
/// a sawtooth that stops at the top of a tooth is judged by its troughs, their rise held to the
/// step-to-step noise (the teeth are its shape, not noise).
///
/// Needs `minimumPoints` samples with the metric (baseline and workload).
struct EnvelopeAnalysis: Sendable {
    var floor: Double
    var noiseFactor = 4.0
    var lateShare = 0.3
    var lastQuarterShare = 0.1
    var alpha = 0.01
    var minimumPoints = 8
    var maximumPoints = 200

    struct Finding: Sendable {
        var metric: String
        var leak: Bool
        /// Rise of the floor over the workload, in the metric's unit.
        var rise: Double
        /// The series' slope (Theil–Sen), per iteration.
        var slope: Double
        /// The run's noise: robust σ of the residuals.
        var noise: Double
        /// Workload iterations the series spans.
        var span: Double
        /// Which rule decided, in a few words.
        var rule: String
    }

    /// The finding for `values` (x: iteration, y: value, in time order: baseline, workload,
    /// then settle samples, whose x is the last workload iteration), or `nil` with too few points.
    func analyze(_ name: String, workload: [(x: Double, y: Double)], settle: [Double]) -> Finding? {
        guard workload.count >= minimumPoints, let first = workload.first, let last = workload.last, last.x > first.x,
            let line = RobustStatistics.theilSen(RobustStatistics.thinned(workload, to: maximumPoints))
        else { return nil }
        // Suffix minimum over workload + settle: the floor.
        var envelope = workload.map(\.y)
        var running = settle.min() ?? .infinity
        for index in envelope.indices.reversed() {
            running = min(running, envelope[index])
            envelope[index] = running
        }
        let noise = RobustStatistics.robustSigma(workload.map { $0.y - line.value(at: $0.x) }) ?? 0
        var needed = max(floor, noiseFactor * noise)
        // A series that gives back — falls from its running peak by half its rise, in one step
        // larger than its step-to-step noise — is judged up to its last trough only: a sawtooth by its
        // troughs, whichever tooth the run stopped on.
        let values = workload.map(\.y) + settle
        let steps = zip(values.dropFirst(), values).map { $0 - $1 }
        let stepNoise = (RobustStatistics.robustSigma(steps) ?? 0) / 2.0.squareRoot()
        let dropNeeded = max(floor, noiseFactor * stepNoise)
        var peak = values[0], troughs: [Int] = []
        for index in values.indices {
            peak = max(peak, values[index])
            let fall = peak - values[index]
            let step = index > 0 ? values[index - 1] - values[index] : 0
            // A give-back is sudden (a clear, a flush): one step falls by more than the noise.
            if step >= dropNeeded, fall >= 0.5 * (peak - values[0]) {
                troughs.append(index)
                peak = values[index]
            }
        }
        troughs = troughs.filter { $0 < workload.count }
        let lastTrough = troughs.last
        var end = envelope.count - 1
        var sawtooth = ""
        if let lastTrough {
            end = lastTrough
            sawtooth = "gives back (last trough at iteration \(Int(workload[lastTrough].x))): judged on its troughs; "
        }
        let span = max(1, workload[end].x - first.x)
        func floorValue(at x: Double) -> Double {
            envelope[min(end, workload.lastIndex { $0.x <= x } ?? 0)]
        }
        let rise = envelope[end] - envelope[0]
        // A sawtooth's teeth are its shape, not noise: its troughs are held to the step noise.
        if !troughs.isEmpty { needed = dropNeeded }
        var finding = Finding(metric: name, leak: false, rise: rise, slope: line.slope, noise: noise, span: span, rule: "")
        guard rise >= needed else {
            finding.rule =
                rise > 0
                ? "floor rose \(describe(rise, name)), under \(needed == floor ? "the minimum" : "\(Int(noiseFactor))× the run's noise") \(describe(needed, name))"
                : "floor did not rise"
            finding.rule = sawtooth + finding.rule
            return finding
        }
        let late: Double, lastQuarter: Double
        if troughs.isEmpty {
            late = envelope[end] - floorValue(at: first.x + span / 2)
            lastQuarter = envelope[end] - floorValue(at: first.x + span * 3 / 4)
        } else {
            // By its troughs: the later half of them must add `lateShare` of the rise.
            let floors = [envelope[0]] + troughs.map { envelope[$0] }
            late = envelope[end] - floors[floors.count / 2]
            lastQuarter = late
        }
        guard late >= lateShare * rise, lastQuarter >= lastQuarterShare * rise else {
            finding.rule =
                sawtooth
                + "floor stopped rising (\(Int((late / rise * 100).rounded())) % of the rise in the second half, \(Int((lastQuarter / rise * 100).rounded())) % in the last quarter): plateau or bound"
            return finding
        }
        let test = RobustStatistics.mannKendall(RobustStatistics.thinned(workload, to: maximumPoints).map(\.y))
        guard test.pIncreasing < alpha else {
            finding.rule = "floor rose but the series is not significantly increasing (\(Format.p(test.pIncreasing)))"
            return finding
        }
        finding.leak = true
        finding.rule =
            sawtooth
            + "floor rose \(describe(rise, name)) (\(describe(rise / span, name))/it), \(Int((noise > 0 ? rise / noise : 99).rounded()))× the run's noise, still rising at the end"
        return finding
    }

    private func describe(_ value: Double, _ name: String) -> String {
        name == Metric.allocated.rawValue || name == "nonHeap" ? Format.bytes(value) : Format.signed(value)
    }
}
