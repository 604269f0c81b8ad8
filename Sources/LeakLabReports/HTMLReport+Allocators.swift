import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// The sections of `compare-allocators --html`: per scenario, small multiples per metric
/// (allocated, resident, RSS, fragmentation — one panel each, never two metrics on one axis),
/// every curve as the change since the workload began against milliseconds, so the settle phase
/// is drawn to scale, with leaky (solid) and fixed (dashed) twins overlaid; growth bars per
/// configuration with their spread over seeds and the declared truth; a give-back chart per
/// configuration; and the table.
extension HTMLReport {
    public static let configurationPalette = ["#1c7ed6", "#e8590c", "#2f9e44", "#9c36b5", "#c2255c", "#0c8599", "#5c940d", "#495057", "#f08c00"]

    /// The panels, in order: each a metric a configuration may or may not give.
    public enum Panel: String, CaseIterable {
        case allocated, resident, rss, fragmentation

        public var title: String {
            switch self {
            case .allocated: "allocated (as the allocator counts it), change since the workload began"
            case .resident: "resident (jemalloc stats.resident), change since the workload began"
            case .rss: "RSS (/proc), change since the workload began"
            case .fragmentation: "fragmentation: resident ÷ allocated (jemalloc), else RSS ÷ allocated"
            }
        }

        /// The panel's value at `sample`.
        public func value(_ sample: Sample) -> Double? {
            switch self {
            case .allocated: sample.allocated.map(Double.init)
            case .resident: sample.resident.map(Double.init)
            case .rss: sample.rss.map(Double.init)
            case .fragmentation:
                sample.allocated.flatMap { allocated in
                    guard allocated > 0, let top = sample.resident ?? sample.rss else { return nil }
                    return Double(top) / Double(allocated)
                }
            }
        }

        /// Curves are changes since the workload began; fragmentation is a ratio, drawn as is.
        public var isChange: Bool { self != .fragmentation }
    }

    public static func allocatorComparisonSections(_ comparison: AllocatorComparison) -> [Section] {
        let colors = Dictionary(
            uniqueKeysWithValues: comparison.configurations.enumerated().map {
                ($0.element.name, configurationPalette[$0.offset % configurationPalette.count])
            })
        let color = { (name: String?) in colors[name ?? ""] ?? "#495057" }
        var seen = Set<String>()
        let firstSeeds = comparison.runs.filter { seen.insert("\($0.key)/\($0.configuration ?? "")").inserted }
        return [
            curvesSection(firstSeeds, color: color),
            growthSection(comparison, color: color),
            giveBackSection(comparison, firstSeeds: firstSeeds, color: color),
            tableSection(comparison),
        ]
    }

    /// Per scenario, a panel per metric; leaky variants solid, fixed and bounded ones dashed.
    public static func curvesSection(_ runs: [RunRecord], color: (String?) -> String) -> Section {
        var body =
            "<p class=\"note\">Each panel is one metric; curves are the change since the workload began (the last warm-up sample), against milliseconds since then, so the settle phase (shaded, of the first run) is drawn to scale. Solid: leaky variant; dashed: its fixed or bounded twins. mimalloc counts no bytes, so it appears in the RSS panel only.</p>"
        for scenario in groups(runs, by: \.scenario) {
            body +=
                "<h3 id=\"\(anchor("curves-" + scenario[0].scenario))\">\(HTML.escape(scenario[0].scenario))</h3><div class=\"grid panels\" data-scenario=\"\(HTML.escape(scenario[0].scenario))\">"
            for panel in Panel.allCases {
                let series = scenario.compactMap { run -> SVGChart.Series? in
                    let points = curve(run, panel)
                    guard !points.isEmpty else { return nil }
                    return SVGChart.Series(
                        name: "\(run.configuration ?? run.allocator.requested.rawValue) \(run.variant)", color: color(run.configuration),
                        points: points, dashed: run.role != .leaky)
                }
                guard !series.isEmpty else { continue }
                body +=
                    "<div class=\"card\">"
                    + SVGChart.line(
                        title: panel.title, series: series, bands: settleBand(scenario[0]), xLabel: "ms since the workload began",
                        yFormat: panel == .fragmentation ? .ratio : .bytes,
                        attributes: "data-metric=\"\(panel.rawValue)\" data-scenario=\"\(HTML.escape(scenario[0].scenario))\" data-comparison=\"allocators\"")
                    + "</div>"
            }
            body += "</div>"
        }
        return Section(id: "curves", title: "What each allocator shows, metric by metric", body: body)
    }

    /// `run`'s samples from the workload's start on, as (ms since then, value − value then).
    public static func curve(_ run: RunRecord, _ panel: Panel) -> [SVGChart.Point] {
        guard let start = run.trace.baseline ?? run.samples.first(where: { $0.phase == .workload }) else { return [] }
        let origin = panel.isChange ? panel.value(start) : 0
        guard let origin else { return [] }
        return run.samples.filter { $0.t >= start.t && $0.phase >= .workload }.compactMap { sample in
            panel.value(sample).map { SVGChart.Point(x: (sample.t - start.t) * 1000, y: $0 - origin) }
        }
    }

    /// The settle phase of `run`, in ms since its workload began.
    public static func settleBand(_ run: RunRecord) -> [SVGChart.Band] {
        guard let start = run.trace.baseline?.t ?? run.samples.first(where: { $0.phase == .workload })?.t,
            let from = run.samples.last(where: { $0.phase == .workload })?.t,
            let to = run.samples.last(where: { $0.phase == .settle })?.t
        else { return [] }
        return [SVGChart.Band(label: "settle", from: (from - start) * 1000, to: (to - start) * 1000, fill: phaseFills[.settle] ?? "#e3f6e8")]
    }

    /// Per scenario: allocated and RSS growth per iteration by configuration, median with the
    /// range over seeds, and the declared truth ± tolerance.
    public static func growthSection(_ comparison: AllocatorComparison, color: (String?) -> String) -> Section {
        var body =
            "<p class=\"note\">Bars: the median over --repeat seeds; whiskers: lowest to highest seed. The dark line is the declared truth per iteration, the grey band its tolerance (allocated only: RSS is not declared). n/a: not measured.</p>"
        let legend = comparison.configurations.map { ($0.name, color($0.name)) }
        for scenario in groups(comparison.variants, by: \.scenario) {
            body += "<h3>\(HTML.escape(scenario[0].scenario))</h3><div class=\"pair\">"
            for (name, metric) in [("allocated", \ConfigurationRow.allocatedPerIteration), ("rss", \ConfigurationRow.rssPerIteration)] {
                let chartGroups = scenario.map { variant in
                    SVGChart.SpreadGroup(
                        label: variant.variant,
                        bars: variant.rows.map { row in
                            let spread = row[keyPath: metric]
                            return SVGChart.SpreadBar(
                                name: row.configuration, value: spread?.median, low: spread?.low, high: spread?.high, color: color(row.configuration))
                        },
                        reference: name == "allocated" && variant.truth.verdict != .bounded ? variant.truth.perIteration.bytes : nil,
                        tolerance: variant.truth.tolerance.bytes)
                }
                body +=
                    "<div class=\"card\">"
                    + SVGChart.spreadBars(
                        title: "\(name == "allocated" ? "Allocated" : "RSS") growth per workload iteration", groups: chartGroups, legend: legend,
                        attributes: "data-growth=\"\(name)\" data-scenario=\"\(HTML.escape(scenario[0].scenario))\"") + "</div>"
            }
            body += "</div>"
        }
        return Section(id: "growth", title: "Growth per iteration, with spread and truth", body: body)
    }

    /// Per configuration: RSS during settle, as the change since the workload ended, one curve
    /// per variant; the table's "took" column is when each stops falling.
    public static func giveBackSection(_ comparison: AllocatorComparison, firstSeeds: [RunRecord], color: (String?) -> String) -> Section {
        var body =
            "<p class=\"note\">RSS during settle, minus RSS at the end of the workload: how much each configuration gives back, and how fast. A curve that falls and flattens gave memory back; one that stays at zero kept it.</p><div class=\"grid\">"
        for configuration in comparison.configurations {
            let runs = firstSeeds.filter { $0.configuration == configuration.name }
            let series = runs.enumerated().compactMap { index, run -> SVGChart.Series? in
                guard let end = run.samples.last(where: { $0.phase == .workload && $0.rss != nil }), let endRSS = end.rss else { return nil }
                let points =
                    [SVGChart.Point(x: 0, y: 0)]
                    + run.samples.filter { $0.phase == .settle }.compactMap { sample in
                        sample.rss.map { SVGChart.Point(x: (sample.t - end.t) * 1000, y: Double($0 - endRSS)) }
                    }
                return SVGChart.Series(
                    name: run.key, color: configurationPalette[index % configurationPalette.count], points: points, dashed: run.role != .leaky)
            }
            body +=
                "<div class=\"card\">"
                + SVGChart.line(
                    title: "\(configuration.name): RSS given back during settle", series: series, xLabel: "ms since settle began",
                    attributes: "data-giveback=\"\(HTML.escape(configuration.name))\"") + "</div>"
        }
        body += "</div>"
        return Section(id: "giveback", title: "What each configuration gives back", body: body)
    }

    /// The text table's figures as an HTML table, one row per variant and configuration, and the notes.
    public static func tableSection(_ comparison: AllocatorComparison) -> Section {
        var body = "<table class=\"comparison\"><thead><tr><th>variant</th><th>truth B/it</th>"
        body += AllocatorComparison.columns.map { "<th>\(HTML.escape($0.0))</th>" }.joined() + "</tr></thead><tbody>"
        for variant in comparison.variants {
            for row in variant.rows {
                let truth =
                    variant.truth.verdict == .bounded
                    ? "bounded" : "\(Format.rate(variant.truth.perIteration.bytes)) ± \(Format.rate(variant.truth.tolerance.bytes))"
                body += "<tr><td>\(HTML.escape(variant.key))</td><td>\(HTML.escape(truth))</td>"
                body += AllocatorComparison.row(row).map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
            }
        }
        body += "</tbody></table>"
        for note in comparison.notes { body += "<p class=\"note\">\(HTML.escape(note))</p>" }
        body += "<pre>\(HTML.escape(AllocatorComparison.legend.joined(separator: "\n")))</pre>"
        return Section(id: "table", title: "Figures per configuration", body: body)
    }
}
