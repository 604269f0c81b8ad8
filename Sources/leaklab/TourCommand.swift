import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
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

    @Option(
        help:
            "Workload iterations per run (default: each scenario's own, which its fix needs to level off; fewer is quicker but a fix that is still filling its bounded cache looks like a leak)."
    )
    var iterations: Int?

    @Option(name: .customLong("warm-up"), help: "Warm-up iterations per run (default: the scenario's).")
    var warmUp: Int?

    @Option(help: ArgumentHelp("Only these patterns (repeatable), e.g. --pattern unbounded-cache.", valueName: "pattern"))
    var pattern: [String] = []

    @OptionGroup var matrix: MatrixOptions

    @Option(help: ArgumentHelp("Write the tour as a self-contained HTML report.", valueName: "file"))
    var html: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try ReportPath.check(html, option: "--html")
        if let iterations, iterations < 20 { throw ValidationError("--iterations must be at least 20 for a curve to mean anything") }
        if let warmUp, warmUp < 0 { throw ValidationError("--warm-up must be 0 or more") }
    }

    func run() throws {
        let catalog = try plugins.loadCatalog(startsRuns: true)
        let stops = Tour.stops(catalog, patterns: pattern)
        if stops.isEmpty {
            let known = Set(catalog.entries.map(\.scenario.pattern.rawValue)).sorted().joined(separator: ", ")
            throw RunnerError.usage(
                pattern.isEmpty
                    ? "no loaded scenario has a leaky variant with a fix to show"
                    : "no scenario to show for pattern(s) \(pattern.joined(separator: ", ")); loaded patterns: \(known)")
        }
        let results = Tour.run(stops, iterations: iterations, warmUp: warmUp, jobs: matrix.jobs, quiet: output.quiet)
        let iterationsText = iterations.map { "\($0) iterations" } ?? "at the scenario's default iterations"
        print(TourText.render(results, iterations: iterationsText, detectors: DetectorRegistry.builtIns.map(\.name)))
        let shown = results.compactMap { result in (try? result.outcome.get()).map { (result.stop.pattern, result.stop.entry, [$0.leaky, $0.fixed]) } }
        if let html {
            try HTMLReport.write(HTMLReport.tourPage(shown, iterations: iterationsText), to: html)
        }
        if shown.count < stops.count { throw ExitCode(LabExitCode.checkFailed.rawValue) }
    }
}
