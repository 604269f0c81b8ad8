import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `leaklab tour`: a newcomer's first half minute with the lab. For each leak pattern, one
/// scenario's leaky variant and its fix run briefly side by side; the tour shows their memory
/// curves on a shared scale, what every built-in detector said about each, and where to read more.
struct TourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour",
        abstract: "A guided tour: each leak pattern's leaky variant and its fix, run briefly, with what each detector said.",
        discussion: """
            For every pattern the loaded plugins provide, the first scenario that has a leaky variant \
            with a fix (pattern scenarios before case studies of public reports) is run, both \
            variants, at its default iterations, in fresh children (two at a time). Their \
            allocated-bytes curves are drawn on one scale, so the leak is the curve that keeps \
            climbing; every built-in detector's verdict follows, marked right or wrong against the \
            declared truth. `leaklab explain SCENARIO` tells the whole story of each; `--html FILE` \
            writes the tour as a report with charts and the code side by side.
            """)

    @OptionGroup var plugins: PluginOptions

    @Option(help: "Workload iterations per run (default: each scenario's own, which its fix needs to level off; fewer is quicker but a fix that is still filling its bounded cache looks like a leak).")
    var iterations: Int?

    @Option(name: .customLong("warm-up"), help: "Warm-up iterations per run (default: the scenario's).")
    var warmUp: Int?

    @Option(help: ArgumentHelp("Only these patterns (repeatable), e.g. --pattern unbounded-cache.", valueName: "pattern"))
    var pattern: [String] = []

    @Option(help: "Children run at once.")
    var jobs: Int = 2

    @Option(help: ArgumentHelp("Write the tour as a self-contained HTML report.", valueName: "file"))
    var html: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if let iterations, iterations < 20 { throw ValidationError("--iterations must be at least 20 for a curve to mean anything") }
        if let warmUp, warmUp < 0 { throw ValidationError("--warm-up must be 0 or more") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    /// One stop of the tour: a pattern, the scenario shown for it, and its leaky and fixed variants.
    struct Stop {
        var pattern: String
        var entry: PluginCatalog.Entry
        var leaky: LeakLabKit.Variant
        var fixed: LeakLabKit.Variant
    }

    /// Built-in patterns first, in their documented order, then any others plugins name; for each,
    /// the first scenario in catalogue order with a leaky variant paired to a fix. Scenarios written
    /// to teach a pattern come before case studies of public reports (those with `references`):
    /// the tour teaches patterns; `explain` tells the reports' stories.
    static func stops(_ catalog: PluginCatalog, patterns only: [String]) -> [Stop] {
        var order = LeakPattern.builtIn.map(\.rawValue)
        for entry in catalog.entries where !order.contains(entry.scenario.pattern.rawValue) {
            order.append(entry.scenario.pattern.rawValue)
        }
        if !only.isEmpty { order = order.filter(only.contains) }
        let entries = catalog.entries.filter { $0.scenario.references.isEmpty } + catalog.entries.filter { !$0.scenario.references.isEmpty }
        return order.compactMap { pattern in
            for entry in entries where entry.scenario.pattern.rawValue == pattern {
                let variants = entry.scenario.variants
                let pairs = VariantPairing.pairs(variants.map { ($0.name, $0.role) })
                if let pair = pairs.first(where: { $0.fixed != nil }),
                   let leaky = entry.scenario.variant(named: pair.leaky), let fixed = pair.fixed.flatMap(entry.scenario.variant(named:)) {
                    return Stop(pattern: pattern, entry: entry, leaky: leaky, fixed: fixed)
                }
            }
            return nil
        }
    }

    func run() throws {
        let catalog = try plugins.loadCatalog()
        let stops = Self.stops(catalog, patterns: pattern)
        if stops.isEmpty {
            let known = Set(catalog.entries.map(\.scenario.pattern.rawValue)).sorted().joined(separator: ", ")
            throw RunnerError.usage(pattern.isEmpty
                ? "no loaded scenario has a leaky variant with a fix to show"
                : "no scenario to show for pattern(s) \(pattern.joined(separator: ", ")); loaded patterns: \(known)")
        }
        let plans = stops.flatMap { stop in
            [stop.leaky, stop.fixed].map { variant in
                RunPlan(
                    entry: stop.entry, variant: variant, warmUpIterations: warmUp,
                    workloadIterations: iterations, mallocConf: "tcache:false")
            }
        }
        let detectors = DetectorRegistry.builtIns
        let progress = MatrixProgress(total: plans.count, label: "tour", quiet: quiet)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans, finishing: { record in
            var judged = record
            judged.verdicts = DetectorRegistry.evaluate(detectors, on: record.trace)
            return judged
        }) { index, _ in
            progress.step("\(plans[index].entry.scenario.id)/\(plans[index].variant.name)")
        }
        progress.finish()

        var shown: [(Stop, RunRecord, RunRecord)] = []
        let iterationsText = iterations.map { "\($0) iterations" } ?? "at the scenario's default iterations"
        var out = [
            Terminal.style("A tour of \(stops.count) leak pattern(s)", "1")
                + ": each pattern's leaky variant and its fix, \(iterationsText), on one scale per pair.",
            "A leak keeps climbing; its fix levels off. Below each pair: what every built-in detector said (✓ right, ✗ wrong).",
        ]
        for (index, stop) in stops.enumerated() {
            out.append("")
            switch (results[2 * index], results[2 * index + 1]) {
            case (.success(let leaky), .success(let fixed)):
                out += Self.render(stop, leaky: leaky, fixed: fixed, detectors: detectors.map(\.name))
                shown.append((stop, leaky, fixed))
            case (.failure(let error), _), (_, .failure(let error)):
                out.append(Terminal.style("━━ \(stop.pattern)", "1") + "  \(stop.entry.scenario.id): could not run: \(error)")
            }
        }
        out.append("")
        out.append("Next: `leaklab run SCENARIO` for a longer look with a live view, `leaklab validate --html report.html` to score every detector on every scenario.")
        print(out.joined(separator: "\n"))
        if let html {
            try HTMLReport.write(HTMLReport.tourPage(shown.map { ($0.0.pattern, $0.0.entry, [$0.1, $0.2]) }, iterations: iterationsText), to: html)
        }
        if shown.count < stops.count { throw ExitCode(LabExitCode.checkFailed.rawValue) }
    }

    /// What the pair's curves show: allocated bytes (RSS without them), or open fds or threads
    /// when that is all the leaky variant leaks.
    static func curveMetric(_ leaky: RunRecord) -> Metric {
        let rate = leaky.truth.perIteration
        if rate.bytes == 0 && rate.objects == 0 {
            if rate.fds > 0 { return .fds }
            if rate.threads > 0 { return .threads }
        }
        return leaky.samples.contains { $0.allocated != nil } ? .allocated : .rss
    }

    /// One stop as text: the two curves on one scale, the verdicts, the command to read more.
    static func render(_ stop: Stop, leaky: RunRecord, fixed: RunRecord, detectors: [String]) -> [String] {
        let scenario = stop.entry.scenario
        var lines = [Terminal.style("━━ \(stop.pattern)", "1") + "  \(UntrustedText.clean(scenario.id)): \(UntrustedText.clean(scenario.title))"]
        let metric = curveMetric(leaky)
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
        lines.append("  " + "detector".padding(toLength: 16, withPad: " ", startingAt: 0)
            + "leaky".padding(toLength: 14, withPad: " ", startingAt: 0) + "fixed")
        for detector in detectors {
            var line = "  " + detector.padding(toLength: 16, withPad: " ", startingAt: 0)
            for run in [leaky, fixed] {
                guard let verdict = run.verdict(of: detector) else { line += "-".padding(toLength: 14, withPad: " ", startingAt: 0); continue }
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

extension HTMLReport {
    /// The tour as a page: per pattern, the pair's curves overlaid, each variant's chart and
    /// verdicts, and the scenario explained with the leaky and fixed code side by side.
    static func tourPage(_ stops: [(pattern: String, entry: PluginCatalog.Entry, runs: [RunRecord])], iterations: String) -> String {
        let sections = stops.map { stop in
            var body = "<p>\(HTML.escape(stop.entry.scenario.title)): \(HTML.escape(stop.entry.scenario.summary))</p>"
            let metric = TourCommand.curveMetric(stop.runs[0])
            body += "<div class=\"card overlay\">" + overlayChart(stop.runs, title: "\(stop.entry.scenario.id): leaky and fixed, \(metric.rawValue) (same scale)", metric: metric) + "</div>"
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
