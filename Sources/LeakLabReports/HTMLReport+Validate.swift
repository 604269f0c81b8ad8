import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `validate --html`: the scores (tables and precision/recall bars per detector and per pattern),
/// the detector × variant matrix coloured TP/FP/FN/TN/failed, every variant's memory curve, and
/// each scenario explained.
extension HTMLReport {
    public static func validatePage(
        runs: [RunRecord], scores: [DetectorScore], entries: [PluginCatalog.Entry], errors: [String] = [],
        title: String = "leaklab validate"
    ) -> String {
        let allocators = Set(runs.map(\.allocator.requested.rawValue)).sorted()
        let subtitle =
            "\(runs.count) run(s) of \(Set(runs.map(\.key)).count) variant(s) in \(Set(runs.map(\.scenario)).count) scenario(s), "
            + "allocator(s): \(allocators.joined(separator: ", ")); \(scores.count) detector(s). "
            + "Leaky variants are positives; fixed variants and bounded decoys are negatives."
        var sections = [
            scoresSection(scores, errors: errors),
            Section(id: "matrix", title: "Detector × variant matrix", body: matrix(runs, detectors: scores.map(\.detector))),
            memorySection(runs, id: "memory", title: "Memory curves"),
        ]
        let shown = Set(runs.map(\.scenario))
        let explained = entries.filter { shown.contains($0.scenario.id) }
        if !explained.isEmpty { sections.append(explainSection(explained)) }
        return page(title: title, subtitle: subtitle, sections: sections)
    }

    public static let precisionColor = "#1c7ed6"
    public static let recallColor = "#f76707"

    /// The scores as a table, precision and recall per detector as bars, and per pattern as small
    /// multiples (one chart per pattern, a pair of bars per detector).
    public static func scoresSection(_ scores: [DetectorScore], errors: [String] = []) -> Section {
        var body = "<table class=\"scores\"><tr><th>detector</th>"
        for name in ["TP", "FP", "FN", "TN", "failed", "precision", "recall", "F1", "latency (it.)", "rate error", "flips"] {
            body += "<th class=\"num\">\(name)</th>"
        }
        body += "</tr>"
        for score in scores {
            let m = score.overall
            body += "<tr><td>\(HTML.escape(score.detector))</td>"
            for count in [m.tp, m.fp, m.fn, m.tn, m.failed] { body += "<td class=\"num\">\(count)</td>" }
            for ratio in [m.precision, m.recall, m.f1] { body += "<td class=\"num\">\(ValidateTable.ratio(ratio))</td>" }
            body += "<td class=\"num\">\(m.medianLatency.map { String(Int($0)) } ?? "–")</td>"
            body += "<td class=\"num\">\(m.medianRateError.map { String(format: "%.0f%%", $0 * 100) } ?? "–")</td>"
            body += "<td class=\"num\">\(score.flipRate.map { String(format: "%.0f%%", $0 * 100) } ?? "–")</td></tr>"
        }
        body += "</table>"
        body += "<p class=\"note\">Precision is undefined (“-”, drawn as n/a) for a detector that never said leak; recall for a set with no leaky run.</p>"
        let legend = [("precision", precisionColor), ("recall", recallColor)]
        let overall = scores.map { score in
            SVGChart.BarGroup(
                label: score.detector,
                bars: [
                    SVGChart.Bar(name: "precision", value: score.overall.precision, color: precisionColor),
                    SVGChart.Bar(name: "recall", value: score.overall.recall, color: recallColor),
                ])
        }
        body +=
            "<div class=\"card\">"
            + SVGChart.bars(
                title: "Precision and recall per detector", groups: overall, legend: legend,
                attributes: "data-bars=\"detectors\"", width: 1000, height: 300) + "</div>"
        let patterns = Set(scores.flatMap { $0.byPattern.keys }).sorted()
        if !patterns.isEmpty {
            body += "<h3>Per pattern</h3><div class=\"grid\">"
            for pattern in patterns {
                let groups = scores.map { score in
                    let metrics = score.byPattern[pattern]
                    return SVGChart.BarGroup(
                        label: score.detector,
                        bars: [
                            SVGChart.Bar(name: "precision", value: metrics?.precision, color: precisionColor),
                            SVGChart.Bar(name: "recall", value: metrics?.recall, color: recallColor),
                        ])
                }
                body +=
                    "<div class=\"card\">"
                    + SVGChart.bars(
                        title: pattern, groups: groups, legend: legend,
                        attributes: "data-bars=\"pattern\" data-pattern=\"\(HTML.escape(pattern))\"", height: 280) + "</div>"
            }
            body += "</div>"
        }
        if !errors.isEmpty {
            body += "<h3>Runs that could not be made</h3><ul>" + errors.map { "<li><code>\(HTML.escape($0))</code></li>" }.joined() + "</ul>"
        }
        return Section(id: "scores", title: "Scores", body: body)
    }

    /// Runs × detectors, each cell the verdict's outcome against the truth; hovering shows the note.
    public static func matrix(_ runs: [RunRecord], detectors: [String]) -> String {
        var html = "<div class=\"legend\">"
        for (css, text) in [
            ("tp", "TP: leak, said leak"), ("tn", "TN: no leak, said none"), ("fp", "FP: false alarm"), ("fn", "FN: missed leak"),
            ("failed", "failed: could not judge"),
        ] {
            html += "<span><span class=\"swatch \(css)\"></span>\(text)</span>"
        }
        html += "</div><table class=\"matrix\"><tr><th>variant</th><th>role</th><th>truth</th>"
        for detector in detectors { html += "<th>\(HTML.escape(detector))</th>" }
        html += "<th>outcome</th></tr>"
        for run in runs {
            html +=
                "<tr data-run=\"\(HTML.escape(run.matrixKey))\"><td><a href=\"#\(anchor("run-\(run.repeatKey)"))\">\(HTML.escape(ValidateTable.label(run)))</a></td>"
            html +=
                "<td><span class=\"pill role-\(run.role.rawValue)\">\(HTML.escape(run.role.rawValue))</span></td><td>\(HTML.escape(run.truth.verdict.rawValue))</td>"
            for detector in detectors {
                guard let verdict = run.verdict(of: detector) else {
                    html += "<td class=\"cell none\">–</td>"
                    continue
                }
                let outcome = VerdictOutcome(verdict: verdict, run: run)
                let text = outcome == .failed ? "failed" : outcome.rawValue.uppercased()
                let note = verdict.failure ?? verdict.note ?? ""
                html += "<td class=\"cell \(outcome.rawValue)\" title=\"\(HTML.escape(note))\">\(text)</td>"
            }
            html += "<td>\(HTML.escape(run.outcome.rawValue))</td></tr>"
        }
        return html + "</table>"
    }
}
