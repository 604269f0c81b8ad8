import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner

/// `leaklab power`: how small a leak each detector finds, after how many iterations, and how
/// often it cries wolf. Sweeps the `drip` scenario's leak rate × iterations × noise, runs the
/// catalogue's negatives (clean and bounded variants), and reports per detector recall per
/// cell, the minimum detectable leak, the false-positive rate and the median latency
/// (``PowerAnalysis``; docs/power.md).
struct PowerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power",
        abstract: "Power curves: the smallest leak each detector finds, and its false alarms.",
        discussion: """
            Positives are runs of drip/leaky at each rate (served bytes per workload iteration) × \
            iteration count × noise level, --repeat seeds each. Negatives are every variant of \
            the catalogue whose truth is clean or bounded at its default iterations, --negative-repeat seeds each. \
            The minimum detectable leak (MDL) of a detector at an iteration count is the smallest \
            swept rate from which on its recall is at least 95 %. The default sweep takes about a \
            minute on two cores; for the goals of docs/power.md use e.g. \
            --rates 2,4,8,16,32,64,256,1024 --repeat 5 --negative-repeat 3.
            """)

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var detectorOptions: DetectorOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Leak rates to sweep, served bytes per iteration (comma-separated).", valueName: "bytes"))
    var rates: String = PowerSweep.standard.rates.map { String(Int($0)) }.joined(separator: ",")

    @Option(parsing: .unconditional, help: ArgumentHelp("Workload iteration counts to sweep (comma-separated).", valueName: "counts"))
    var iterations: String = PowerSweep.standard.iterations.map(String.init).joined(separator: ",")

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Noise levels to sweep: the drip's mean short-lived blocks per iteration (comma-separated).", valueName: "counts"))
    var noise: String = PowerSweep.standard.noise.map(String.init).joined(separator: ",")

    @Option(parsing: .unconditional, help: "Seeds per swept cell (42, 43, …).")
    var `repeat`: Int = PowerSweep.standard.repeats

    @Option(help: "Seeds per negative (clean or bounded variant); 0 skips the negatives.")
    var negativeRepeat: Int = 1

    @Option(help: ArgumentHelp("Scenarios whose negatives to run (comma-separated; default: every scenario).", valueName: "ids"))
    var negatives: String?

    @OptionGroup var budgetOptions: BudgetOptions
    @OptionGroup var matrix: MatrixOptions

    @Option(help: ArgumentHelp("MALLOC_CONF for jemalloc children (as for validate).", valueName: "conf"))
    var mallocConf: String = AllocatorConfiguration.exactJemallocConf

    @Option(help: ArgumentHelp("Write the report as JSON (schema leaklab.power/1); runs are journaled to FILE.journal.jsonl.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report with the power curves.", valueName: "file"))
    var html: String?

    @Flag(help: "Continue an interrupted sweep: skip the runs already in the --json file's journal.")
    var resume = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try ReportPath.check(json, option: "--json")
        try ReportPath.check(html, option: "--html")
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard negativeRepeat >= 0 else { throw ValidationError("--negative-repeat must be 0 or more") }
        _ = try sweep()
        if resume && json == nil { throw ValidationError("--resume needs --json FILE: the journal it resumes is FILE.journal.jsonl") }
    }

    /// The sweep the options describe.
    func sweep() throws -> PowerSweep {
        /// `text` as a comma-separated list of numbers, each accepted by `parse`; `rule` says which are.
        func list<T>(_ text: String, _ name: String, rule: String, _ parse: (String) -> T?) throws -> [T] {
            let values = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            for value in values where parse(value) == nil {
                throw ValidationError(
                    "--\(name) \(text): '\(value)' is not \(rule); give a comma-separated list, e.g. --\(name) \(name == "rates" ? "16,256" : name == "iterations" ? "500,2000" : "0,4")"
                )
            }
            return values.compactMap(parse)
        }
        let rates = try list(rates, "rates", rule: "a number of bytes above 0") { Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
        let iterations = try list(iterations, "iterations", rule: "a whole number of at least 8") { Int($0).flatMap { $0 >= 8 ? $0 : nil } }
        let noise = try list(noise, "noise", rule: "a whole number of 0 or more") { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        return PowerSweep(rates: rates, iterations: iterations, noise: noise, repeats: `repeat`)
    }

    func run() throws {
        let catalog = try plugins.loadCatalog(startsRuns: true)
        let detectors = try detectorOptions.resolve()
        let tools = detectorOptions.tools()
        let campaign = try PowerCampaign(
            catalog: catalog, sweep: try sweep(), negativeRepeat: negativeRepeat,
            negatives: negatives.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
            mallocConf: mallocConf.isEmpty ? nil : mallocConf, budgets: try budgetOptions.budgets())
        var results = try ResumableRuns(.power, json: json, resume: resume, jobs: matrix.jobs, quiet: output.quiet).run(campaign.plans, detectors: detectors)
        if !tools.isEmpty { results = ToolPass.run(tools, plans: campaign.plans, results: results, jobs: matrix.jobs, quiet: output.quiet) }
        let document = campaign.document(results, detectors: detectors.map(\.name) + tools.map(\.name))
        print(PowerTable.render(document))
        for error in document.errors { Terminal.warn(error) }
        if let json { try JSONOutput.write(document, to: json) }
        if let html { try HTMLReport.write(HTMLReport.powerPage(document), to: html) }
    }
}
