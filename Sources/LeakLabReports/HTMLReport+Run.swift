import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// Runs in HTML: memory curves (phases shaded; a scenario's variants overlaid), each run's truth,
/// growth and verdicts; the page `run --html` writes; the allocator comparison
/// `compare-allocators --html` can put on its page.
extension HTMLReport {
    /// The page `leaklab run --html` writes: the curves, every detector's verdict, and the
    /// scenario explained with its leaky and fixed code.
    public static func runPage(_ records: [RunRecord], entry: PluginCatalog.Entry?) -> String {
        let scenario = records.first?.scenario ?? entry?.scenario.id ?? "run"
        let allocators = Set(records.map { $0.allocator.active?.rawValue ?? $0.allocator.requested.rawValue }).sorted()
        let subtitle =
            "\(records.count) run(s) of \(scenario) under \(allocators.joined(separator: ", ")); "
            + "each variant in a fresh child process. Leaky variants should be called leaks; fixed ones and decoys should not."
        var sections = [memorySection(records, id: "memory", title: "Memory")]
        sections.append(Section(id: "detectors", title: "What the detectors said", body: matrix(records, detectors: detectorNames(records))))
        if let entry { sections.append(explainSection([entry])) }
        return page(title: "leaklab run \(scenario)", subtitle: subtitle, sections: sections)
    }

    // MARK: Memory

    /// The memory curves of `runs`: per scenario (and allocator), the variants overlaid on one
    /// chart, then a card per variant with its allocated, resident and RSS curves, truth and verdicts.
    /// With repeats, only the first seed of each variant is drawn.
    public static func memorySection(_ runs: [RunRecord], id: String, title: String) -> Section {
        var body =
            "<p class=\"note\">x: iterations (warm-up included); the settle phase after the last iteration is drawn as an extra stretch in proportion to its time. "
            + "The overlay shows each variant's absolute bytes on one scale; each variant's own chart shows how allocated, resident and RSS changed from their values when the workload began (given in its legend), from warm-up on, so a slope shows in each whatever its size. "
            + "Shading: <span style=\"background:#fff4d6\">warm-up</span>, <span style=\"background:#f1f8ff\">workload</span>, <span style=\"background:#e3f6e8\">settle</span>.</p>"
        var seen = Set<String>()
        let drawn = runs.filter { seen.insert($0.repeatKey).inserted }
        for group in groups(drawn, by: { "\($0.scenario)\u{0}\($0.allocator.requested.rawValue)" }) {
            let first = group[0]
            let heading =
                first.allocator.requested == .jemalloc && !runs.contains(where: { $0.allocator.requested != .jemalloc })
                ? first.scenario : "\(first.scenario) under \(first.allocator.requested.rawValue)"
            body += "<h3 id=\"\(anchor("\(id)-\(first.scenario)-\(first.allocator.requested.rawValue)"))\">\(HTML.escape(heading))</h3>"
            if group.count > 1 {
                body +=
                    "<div class=\"card overlay\">" + overlayChart(group, title: "\(first.scenario): every variant, \(metricName(group)) (same scale)")
                    + "</div>"
            }
            body += "<div class=\"grid\">" + group.map(runCard).joined() + "</div>"
        }
        if drawn.isEmpty { body += "<p>No runs.</p>" }
        return Section(id: id, title: title, body: body)
    }

    /// Allocated bytes (RSS where the allocator gives no `allocated`) of several runs on one chart:
    /// leaky variants in reds, fixed in greens and blues, decoys dashed.
    public static func overlayChart(
        _ runs: [RunRecord], title: String, metric: Metric? = nil, label: (RunRecord) -> String = { "\($0.variant) (\($0.role.rawValue))" }
    ) -> String {
        var counters: [Variant.Role: Int] = [:]
        let series = runs.map { run -> SVGChart.Series in
            let index = counters[run.role, default: 0]
            counters[run.role] = index + 1
            let palette = Self.palette[run.role] ?? ["#495057"]
            return SVGChart.Series(
                name: label(run), color: palette[index % palette.count], points: points(run, metric ?? memoryMetric(run)),
                dashed: run.role == .decoy)
        }
        return SVGChart.line(
            title: title, series: series, bands: bands(runs[0]),
            yFormat: (metric ?? .allocated).isBytes ? .bytes : .count,
            attributes: "data-overlay=\"\(HTML.escape(runs[0].scenario))\"", width: 900, height: 320)
    }

    public static let palette: [Variant.Role: [String]] = [
        .leaky: ["#e03131", "#c2255c", "#e8590c", "#9c36b5"],
        .fixed: ["#2f9e44", "#1971c2", "#0c8599", "#5c940d"],
        .decoy: ["#f59f00", "#868e96", "#ae3ec9"],
    ]

    /// One variant's curves: allocated, resident and RSS, each as its change from its value at the
    /// start of the workload (the legend gives that baseline), so a slope in any of them shows
    /// however different their sizes; phases shaded.
    public static func memoryChart(_ run: RunRecord, title: String? = nil) -> String {
        let metrics: [(Metric, String, String)] = [
            (.allocated, "allocated", "#1c7ed6"), (.resident, "resident", "#7048e8"), (.rss, "rss", "#f76707"),
        ]
        let series = metrics.map { metric, name, color -> SVGChart.Series in
            // From warm-up on: the jump from an empty set-up to the warmed-up workload would
            // dwarf the curve.
            let all = zip(run.samples, positions(run)).compactMap { sample, x in
                sample.phase == .setUp ? nil : sample[metric].map { SVGChart.Point(x: x, y: Double($0)) }
            }
            let workloadStart = zip(run.samples, positions(run)).first { $0.0.phase == .workload && $0.0[metric] != nil }.map(\.1)
            guard let base = all.first(where: { $0.x == workloadStart })?.y ?? all.first?.y else {
                return SVGChart.Series(name: name, color: color, points: [])
            }
            return SVGChart.Series(
                name: "\(name) (from \(Format.bytes(base)))", color: color,
                points: all.map { SVGChart.Point(x: $0.x, y: $0.y - base) })
        }
        return SVGChart.line(
            title: title ?? "\(run.variant): change since the workload began",
            series: series, bands: bands(run).filter { $0.label != phaseLabels[.setUp] }, attributes: "data-variant=\"\(HTML.escape(run.key))\"")
    }

    /// A card: the chart, the truth against what was measured, the outcome, the verdicts.
    public static func runCard(_ run: RunRecord) -> String {
        var html = "<div class=\"card run\" id=\"\(anchor("run-\(run.repeatKey)"))\">"
        html += "<h4>\(HTML.escape(ValidateTable.label(run)))<span class=\"pill role-\(run.role.rawValue)\">\(HTML.escape(run.role.rawValue))</span></h4>"
        html += memoryChart(run)
        let truth = run.truth
        var facts = "truth: <b>\(HTML.escape(truth.verdict.rawValue))</b>"
        if truth.verdict == .leak { facts += truth.reachable ? " (reachable)" : " (unreachable)" }
        facts += " · outcome: \(HTML.escape(run.outcome.rawValue))"
        if let detail = run.outcomeDetail { facts += " (\(HTML.escape(detail)))" }
        let active = run.allocator.active?.rawValue ?? "unknown"
        facts +=
            " · allocator: \(HTML.escape(active))\(run.allocator.active == run.allocator.requested ? " (verified)" : " (asked for \(HTML.escape(run.allocator.requested.rawValue)))")"
        facts += " · \(run.workloadIterations) iterations, \(String(format: "%.1f", run.wallSeconds)) s"
        html += "<p class=\"muted\">\(facts)</p>"
        if let growth = run.growth {
            let checks = growth.comparison(with: truth, countedBy: run.allocator.active ?? run.allocator.requested, workloadIterations: run.workloadIterations)
            if !checks.isEmpty {
                html +=
                    "<table><tr><th>\(growth.fromIteration.map { "per iteration from iteration \($0) (the declared onset)" } ?? "per workload iteration")</th><th class=\"num\">measured</th><th class=\"num\">declared</th><th class=\"num\">±</th><th></th></tr>"
                for check in checks {
                    html +=
                        "<tr><td>\(HTML.escape(check.metric))</td><td class=\"num\">\(HTML.escape(Format.rate(check.measured)))</td><td class=\"num\">\(HTML.escape(Format.rate(check.declared)))</td><td class=\"num\">\(HTML.escape(Format.rate(check.tolerance)))</td>"
                    html += check.withinTolerance ? "<td class=\"right\">ok</td></tr>" : "<td class=\"wrong\">off</td></tr>"
                }
                html += "</table>"
            }
        }
        if let tasks = run.growth?.tasks {
            html +=
                "<p class=\"muted\">Live Swift tasks per workload iteration: <b>\(HTML.escape(Format.rate(tasks)))</b> (declared \(HTML.escape(Format.rate(truth.perIteration.tasks))))</p>"
        }
        if let census = run.census { html += censusTable(census) }
        if !run.unavailableMetrics.isEmpty {
            html +=
                "<p class=\"note\">Not measured under \(HTML.escape(active)): \(HTML.escape(run.unavailableMetrics.map(\.rawValue).joined(separator: ", ")))</p>"
        }
        if !run.verdicts.isEmpty { html += verdictTable(run) }
        html += "</div>"
        return html
    }

    /// Every verdict on one run: what the detector said, whether that is right, its estimate and note.
    public static func verdictTable(_ run: RunRecord) -> String {
        var html = "<table class=\"verdicts\"><tr><th>detector</th><th>said</th><th>vs truth</th><th class=\"num\">B/iteration</th><th>note</th></tr>"
        for verdict in run.verdicts {
            let outcome = VerdictOutcome(verdict: verdict, run: run)
            let said = verdict.leak.map { $0 ? "leak" : "no leak" } ?? "failed"
            let judged =
                outcome == .failed
                ? "<td class=\"fail\">failed</td>"
                : "<td class=\"\(outcome.isCorrect ? "right" : "wrong")\">\(outcome.rawValue.uppercased())</td>"
            let note = verdict.failure ?? verdict.note ?? ""
            html += "<tr><td>\(HTML.escape(verdict.detector))</td><td>\(HTML.escape(said))</td>\(judged)"
            html += "<td class=\"num\">\(HTML.escape(verdict.ratePerIteration.map(Format.rate) ?? "–"))</td><td>\(HTML.escape(note))</td></tr>"
        }
        return html + "</table>"
    }

    // MARK: Allocator comparison

    // MARK: Data for the charts

    /// `allocated` when the run has it, else `rss`.
    public static func memoryMetric(_ run: RunRecord) -> Metric {
        run.samples.contains { $0.allocated != nil } ? .allocated : .rss
    }

    public static func metricName(_ runs: [RunRecord]) -> String {
        Set(runs.map(memoryMetric)).map(\.rawValue).sorted().joined(separator: " / ")
    }

    /// Each sample's x: its iteration up to the end of the workload; settle and tear-down samples
    /// spread over an extra tenth of the iterations in proportion to their time, so what the
    /// settle phase gives back is visible.
    public static func positions(_ run: RunRecord) -> [Double] {
        let looping = run.samples.filter { $0.phase < .settle }
        let end = Double(looping.map(\.iteration).max() ?? (run.warmUpIterations + run.workloadIterations))
        let after = run.samples.filter { $0.phase >= .settle }
        let t0 = after.first?.t ?? 0, t1 = after.last?.t ?? 0
        let stretch = max(1, end * 0.1)
        return run.samples.map { sample in
            guard sample.phase >= .settle else { return Double(sample.iteration) }
            return t1 > t0 ? end + (sample.t - t0) / (t1 - t0) * stretch : end + stretch / 2
        }
    }

    public static func points(_ run: RunRecord, _ metric: Metric) -> [SVGChart.Point] {
        zip(run.samples, positions(run)).compactMap { sample, x in sample[metric].map { SVGChart.Point(x: x, y: Double($0)) } }
    }

    public static let phaseFills: [Phase: String] = [
        .setUp: "#f1f3f5", .warmUp: "#fff4d6", .workload: "#f1f8ff", .settle: "#e3f6e8", .tearDown: "#f1f3f5",
    ]
    public static let phaseLabels: [Phase: String] = [
        .setUp: "set-up", .warmUp: "warm-up", .workload: "workload", .settle: "settle", .tearDown: "tear-down",
    ]

    /// A band per phase, from its first sample to the next phase's first sample.
    public static func bands(_ run: RunRecord) -> [SVGChart.Band] {
        let xs = positions(run)
        var starts: [(Phase, Double)] = []
        for (sample, x) in zip(run.samples, xs) where starts.last?.0 != sample.phase {
            starts.append((sample.phase, x))
        }
        let last = xs.max() ?? 0
        return starts.enumerated().map { index, start in
            let to = index + 1 < starts.count ? starts[index + 1].1 : last
            return SVGChart.Band(label: phaseLabels[start.0] ?? start.0.rawValue, from: start.1, to: to, fill: phaseFills[start.0] ?? "#f8f9fa")
        }
    }

    /// Detector names in the order the runs' verdicts list them.
    public static func detectorNames(_ runs: [RunRecord]) -> [String] {
        var names: [String] = []
        for run in runs {
            for verdict in run.verdicts where !names.contains(verdict.detector) { names.append(verdict.detector) }
        }
        return names
    }

    /// `items` grouped by `key`, groups and members in first-seen order.
    public static func groups<T>(_ items: [T], by key: (T) -> String) -> [[T]] {
        var order: [String] = []
        var members: [String: [T]] = [:]
        for item in items {
            let k = key(item)
            if members[k] == nil { order.append(k) }
            members[k, default: []].append(item)
        }
        return order.map { members[$0]! }
    }
}
