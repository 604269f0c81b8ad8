import LeakLabModel
import LeakLabRunner

extension HTMLReport {
    /// The tour as a page: per pattern, the pair's curves overlaid, each variant's chart and
    /// verdicts, and the scenario explained with the leaky and fixed code side by side.
    public static func tourPage(_ stops: [(pattern: String, entry: PluginCatalog.Entry, runs: [RunRecord])], iterations: String) -> String {
        let sections = stops.map { stop in
            var body = "<p>\(HTML.escape(stop.entry.scenario.title)): \(HTML.escape(stop.entry.scenario.summary))</p>"
            let metric = Tour.curveMetric(stop.runs[0])
            body +=
                "<div class=\"card overlay\">"
                + overlayChart(stop.runs, title: "\(stop.entry.scenario.id): leaky and fixed, \(metric.rawValue) (same scale)", metric: metric) + "</div>"
            body += "<div class=\"grid\">" + stop.runs.map(runCard).joined() + "</div>"
            body += "<h3>What the detectors said</h3>" + matrix(stop.runs, detectors: detectorNames(stop.runs))
            body += explainBlock(Explanation(stop.entry))
            return Section(id: anchor("pattern-\(stop.pattern)"), title: stop.pattern, body: body)
        }
        return page(
            title: "leaklab tour",
            subtitle: "Each leak pattern's leaky variant and its fix, \(iterations). A leak keeps climbing; its fix levels off.",
            sections: sections)
    }
}
