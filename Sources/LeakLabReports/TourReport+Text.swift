import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// The tour as text: per stop, the two curves on one scale, the verdicts, the command to read more.
public enum TourText {
    /// The whole tour; `iterations` says at which iteration counts it ran.
    public static func render(_ results: [Tour.Result], iterations: String, detectors: [String]) -> String {
        var out = [
            Terminal.style("A tour of \(results.count) leak pattern(s)", "1")
                + ": each pattern's leaky variant and its fix, \(iterations), on one scale per pair.",
            "A leak keeps climbing; its fix levels off. Below each pair: what every built-in detector said (✓ right, ✗ wrong).",
        ]
        for result in results {
            out.append("")
            switch result.outcome {
            case .success(let runs):
                out += render(result.stop, leaky: runs.leaky, fixed: runs.fixed, detectors: detectors)
            case .failure(let error):
                out.append(Terminal.style("━━ \(result.stop.pattern)", "1") + "  \(result.stop.entry.scenario.id): could not run: \(error)")
            }
        }
        out.append("")
        out.append(
            "Next: `leaklab run SCENARIO` for a longer look with a live view, `leaklab validate --html report.html` to score every detector on every scenario.")
        return out.joined(separator: "\n")
    }

    /// One stop as text: the two curves on one scale, the verdicts, the command to read more.
    public static func render(_ stop: Tour.Stop, leaky: RunRecord, fixed: RunRecord, detectors: [String]) -> [String] {
        let scenario = stop.entry.scenario
        var lines = [Terminal.style("━━ \(stop.pattern)", "1") + "  \(UntrustedText.clean(scenario.id)): \(UntrustedText.clean(scenario.title))"]
        let metric = Tour.curveMetric(leaky)
        let curves = [leaky, fixed].map { $0.samples.filter { $0.phase >= .warmUp && $0.phase <= .settle }.compactMap { $0[metric].map(Double.init) } }
        let all = curves.flatMap { $0 }
        let range = all.min().flatMap { low in all.max().map { low...$0 } }
        let nameWidth = max(leaky.variant.count, fixed.variant.count) + 9
        for (run, values) in zip([leaky, fixed], curves) {
            let label = "\(UntrustedText.clean(run.variant)) (\(run.role.rawValue))".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let text = { (value: Double) in metric.isBytes ? Format.bytes(value) : String(Int(value)) }
            let figures = values.first.map { "\(metric.rawValue) \(text($0)) → \(text(values.last!))" } ?? "no samples (\(run.outcome.rawValue))"
            let colour = run.role == .leaky ? "31" : "32"
            lines.append("  \(label) \(Terminal.style(Sparkline.render(values, width: 40, range: range), colour))  \(figures)")
        }
        lines.append(
            "  " + "detector".padding(toLength: 16, withPad: " ", startingAt: 0)
                + "leaky".padding(toLength: 14, withPad: " ", startingAt: 0) + "fixed")
        for detector in detectors {
            var line = "  " + detector.padding(toLength: 16, withPad: " ", startingAt: 0)
            for run in [leaky, fixed] {
                guard let verdict = run.verdict(of: detector) else {
                    line += "-".padding(toLength: 14, withPad: " ", startingAt: 0)
                    continue
                }
                let outcome = VerdictOutcome(verdict: verdict, run: run)
                let said = verdict.leak.map { $0 ? "leak" : "no leak" } ?? "failed"
                let mark = outcome == .failed ? " " : outcome.isCorrect ? "✓" : "✗"
                let cell = "\(said) \(mark)".padding(toLength: 14, withPad: " ", startingAt: 0)
                line += outcome == .failed ? Terminal.style(cell, "33") : Terminal.style(cell, outcome.isCorrect ? "32" : "31")
            }
            lines.append(line)
        }
        lines.append("  read more: leaklab explain \(UntrustedText.clean(scenario.id))")
        return lines
    }
}
