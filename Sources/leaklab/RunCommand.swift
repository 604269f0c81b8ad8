import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner

/// `leaklab run`: one scenario (every variant, side by side) or one variant, with a live view.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario's variants (or one variant) in child processes and show their memory.",
        discussion: """
            SCENARIO runs every variant of the scenario one after another, so the leaky one and its fix \
            can be compared; SCENARIO/VARIANT runs one. Each run ends with growth per workload iteration \
            against the variant's declared truth.
            """)

    @Argument(help: ArgumentHelp("The scenario, or scenario/variant (see `leaklab list`).", valueName: "scenario[/variant]"))
    var target: String

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var detectorOptions: DetectorOptions

    @Option(help: ArgumentHelp("Write the run as JSON (schema leaklab.run/1; several runs as leaklab.runs/1).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report: memory curves, verdicts, the scenario explained.", valueName: "file"))
    var html: String?

    @OptionGroup var output: OutputOptions

    @Flag(
        help:
            "For leaky variants, run again under jemalloc's leak profiler (prof_leak + jeprof) and show the Swift functions that allocated the bytes still held at exit (top 5)."
    )
    var attribute = false

    @Flag(
        help:
            "Show the whole task census taken at the end of settle: every group of live Swift tasks with its state and the chain of async functions it waits in (by default, the largest three groups)."
    )
    var tasks = false

    @Option(help: ArgumentHelp("Sample every N iterations (default: about 200 samples a run).", valueName: "N"))
    var sampleEvery: Int?

    func validate() throws {
        try ReportPath.check(json, option: "--json")
        try ReportPath.check(html, option: "--html")
    }

    func run() throws {
        let catalog = try plugins.loadCatalog(startsRuns: true)
        let (entry, variants) = try Selection.resolve(target, in: catalog)
        let runner = Runner.besideCurrentExecutable()
        let detectors = try detectorOptions.resolve()
        var records: [RunRecord] = []
        var attributions: [String] = []
        let json = self.json
        Interruption.install { _ in
            json.map { "the runs finished before it are in \($0)" } ?? "nothing was written (no --json given)"
        }
        for variant in variants {
            var plan = try options.plan(entry, variant)
            plan.sampleEvery = sampleEvery
            let request = try plan.request()
            let view = LiveView(
                label: "\(entry.scenario.id)/\(variant.name)",
                totalIterations: request.warmUpIterations + request.workloadIterations, quiet: output.quiet)
            var record = try runner.run(plan, onEvent: view.handle)
            view.finish()
            record.verdicts = DetectorRegistry.evaluate(detectors, on: record.trace)
            record.verdicts += detectorOptions.tools().map { $0.evaluate(plan: plan, plain: record) }
            if attribute, variant.truth.verdict == .leak { attributions.append(try Attribution.render(plan, runner: runner)) }
            records.append(record)
            // Written after every run, so an interrupted session keeps what it measured — to a
            // file; a device or FIFO (`/dev/stdout`) gets the whole document once, at the end.
            if let json, !ReportFile.isWrittenThrough(json) { try RunJSON.write(records, to: json) }
        }
        if let json, ReportFile.isWrittenThrough(json) { try RunJSON.write(records, to: json) }
        print(RunTextReport.render(records, fullCensus: tasks))
        AllocatorMessages.warn(about: records)
        AllocatorMessages.warnApproximateCounts(in: records)
        for text in attributions { print(text) }
        if let html { try HTMLReport.write(HTMLReport.runPage(records, entry: entry), to: html) }
        let incomplete = records.filter { $0.outcome != .completed }
        if !incomplete.isEmpty {
            throw ExitCode(LabExitCode.checkFailed.rawValue)
        }
    }
}
