import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// The text report of `validate`: a verdict matrix (run × detector, each cell TP/FP/FN/TN) and
/// the scores per detector, overall and per pattern.
public enum ValidateTable {
    public static func render(runs: [RunRecord], scores: [DetectorScore]) -> String {
        let detectors = scores.map(\.detector)
        // Wide enough for every detector's name: "resident-delta" and "allocation-counter" whole.
        let cell = max(14, (detectors.map(\.count).max() ?? 0) + 2)
        let keyWidth = min(60, (runs.map { label($0).count }.max() ?? 10) + 2)
        var lines: [String] = []
        lines.append("run".padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "truth    " + detectors.map { cellText($0, cell) }.joined())
        for run in runs {
            var line = label(run).padding(toLength: keyWidth, withPad: " ", startingAt: 0)
            line += run.truth.verdict.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            for detector in detectors {
                guard let verdict = run.verdict(of: detector) else {
                    line += cellText("-", cell)
                    continue
                }
                let outcome = VerdictOutcome(verdict: verdict, run: run)
                let text = outcome == .failed || outcome == .incomplete ? outcome.rawValue : outcome.rawValue.uppercased()
                let colour = outcome == .failed || outcome == .incomplete ? "33" : (outcome.isCorrect ? "32" : "31")
                line += Terminal.style(cellText(text, cell), colour)
            }
            if run.outcome != .completed { line += "  (\(run.outcome.rawValue))" }
            lines.append(line)
        }
        lines.append("")
        let nameWidth = max(16, (scores.map(\.detector.count).max() ?? 0) + 1)
        lines.append(
            "detector".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  tp  fp  fn  tn fail inc  precision  recall     f1  latency  rate err")
        for score in scores {
            let m = score.overall
            lines.append(
                score.detector.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                    + [m.tp, m.fp, m.fn, m.tn, m.failed, m.incomplete ?? 0].map { pad(String($0), 4) }.joined() + " "
                    + pad(ratio(m.precision), 10) + pad(ratio(m.recall), 8) + pad(ratio(m.f1), 7)
                    + pad(m.medianLatency.map { String(Int($0)) } ?? "-", 9)
                    + pad(m.medianRateError.map { String(format: "%.0f%%", $0 * 100) } ?? "-", 10)
                    + (score.flipRate.map { "  flips \(String(format: "%.0f%%", $0 * 100))" } ?? ""))
        }
        lines.append("")
        lines.append("F1 per pattern:")
        let patterns = Set(scores.flatMap { $0.byPattern.keys }).sorted()
        lines.append("  " + "pattern".padding(toLength: 24, withPad: " ", startingAt: 0) + detectors.map { cellText($0, cell) }.joined())
        for pattern in patterns {
            lines.append(
                "  " + pattern.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + scores.map { cellText(patternF1($0.byPattern[pattern]), cell) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    public static func label(_ run: RunRecord) -> String {
        // Ids come from plugins (or from a JSON file): never let them reach a terminal raw.
        var text = UntrustedText.clean("\(run.scenario)/\(run.variant)").replacingOccurrences(of: "\n", with: " ")
        if run.allocator.requested != .jemalloc { text += " [\(run.allocator.requested)]" }
        if let seed = run.parameters["seed"], seed != "42" { text += " seed \(seed)" }
        return text
    }

    /// A pattern's F1, or "no positives" where the pattern has no leaky run to find (F1 would be
    /// 0.00 after a false positive and undefined otherwise, neither of which says that).
    public static func patternF1(_ metrics: DetectorMetrics?) -> String {
        guard let metrics else { return "-" }
        if metrics.tp + metrics.fn == 0 {
            // Failed or incomplete verdicts may hide positives: only a clean count says there were none.
            return metrics.failed == 0 && (metrics.incomplete ?? 0) == 0 ? "no positives" : "-"
        }
        return ratio(metrics.f1)
    }

    public static func ratio(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "-"
    }

    private static func cellText(_ text: String, _ width: Int) -> String {
        String(text.prefix(width - 1)).padding(toLength: width, withPad: " ", startingAt: 0)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
