import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner

/// `leaklab compare-allocators`: every variant under each allocator, side by side — how each
/// counts a leak, what RSS shows, what it gives back after settle, and which detector verdicts
/// the allocator changes.
struct CompareAllocatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-allocators",
        abstract: "Run the same variants under several allocators and compare what each shows and gives back.",
        discussion: """
            Each variant runs once per configuration (and --repeat seed), each run in its own child \
            with the allocator preloaded and verified: a run whose malloc is served by another \
            allocator is an error naming both, and the command exits 1. A configuration is an \
            allocator with release-policy options: a preset (\(AllocatorConfiguration.presets.map(\.name).joined(separator: ", "))) or \
            NAME:ALLOCATOR[:k=v,…], e.g. --config lazy:jemalloc:dirty_decay_ms=30000. The default rows \
            are \(AllocatorConfiguration.defaults.map(\.name).joined(separator: ", ")). jemalloc runs with its thread cache off \
            (MALLOC_CONF=\(AllocatorConfiguration.exactJemallocConf)) unless a configuration sets tcache: the allocated figure is then \
            exact, the same one run, audit and validate give; jemalloc-defaults shows jemalloc as \
            shipped, whose thread caches hide up to a few KiB of freed blocks. --allocator-option \
            adds an option to every configuration of its allocator. docs/allocators.md says what \
            each figure means and where it comes from.
            """)

    @Argument(help: ArgumentHelp("Scenarios or scenario/variant (default: every loaded scenario).", valueName: "scenario[/variant]"))
    var targets: [String] = []

    @OptionGroup var plugins: PluginOptions

    @Option(help: ArgumentHelp("Comma-separated allocators, each run as its preset of the same name (see --config).", valueName: "names"))
    var allocators: String?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "A configuration row (repeatable): a preset (\(AllocatorConfiguration.presets.map(\.name).joined(separator: ", "))) or NAME:ALLOCATOR[:k=v,…]. Replaces --allocators.",
            valueName: "config"))
    var configs: [String] = []

    @Option(
        name: .customLong("allocator-option"),
        help: ArgumentHelp("A release-policy option added to every configuration of its allocator (repeatable); see the discussion.", valueName: "k=v"))
    var allocatorOptions: [String] = []

    @Option(parsing: .unconditional, help: "Runs of each configuration and variant, with seeds 42, 43, …: growth figures give their spread.")
    var `repeat`: Int = 1

    @OptionGroup var shape: RunShapeOptions
    @OptionGroup var budgetOptions: BudgetOptions
    @OptionGroup var matrix: MatrixOptions

    @Option(help: ArgumentHelp("Write the comparison and every run as JSON (schema \(AllocatorComparison.currentSchema)).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report: each variant's curves per allocator and growth by allocator.", valueName: "file"))
    var html: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try ReportPath.check(json, option: "--json")
        try ReportPath.check(html, option: "--html")
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        let configurations = try configurationList()
        do { try options().validate(for: configurations.map(\.allocator)) } catch let error as RunnerError {
            throw ValidationError(error.description)
        }
    }

    /// The rows: `--config` values, else the presets named by `--allocators`, else
    /// ``AllocatorConfiguration/defaults``; each with the `--allocator-option` values of its allocator.
    /// - Throws: `ValidationError` for an unknown preset or allocator, or a name given twice.
    func configurationList() throws -> [AllocatorConfiguration] {
        let extra = try options()
        var list: [AllocatorConfiguration]
        if !configs.isEmpty {
            guard allocators == nil else { throw ValidationError("give either --config or --allocators, not both") }
            list = try configs.map { text in
                do { return try AllocatorConfiguration.parse(text) } catch let error as RunnerError { throw ValidationError(error.description) }
            }
        } else if let allocators {
            list = try AllocatorList.parse(allocators).compactMap { AllocatorConfiguration.preset($0.rawValue) }
        } else {
            list = AllocatorConfiguration.defaults
        }
        guard !list.isEmpty else { throw ValidationError("--allocators names none") }
        var seen = Set<String>()
        list = list.filter { seen.insert($0.name).inserted }
        return list.map { $0.adding(extra) }
    }

    func options() throws -> AllocatorOptions {
        do { return try AllocatorOptions(parsing: allocatorOptions) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let catalog = try plugins.loadCatalog(startsRuns: true)
        let configurations = try configurationList()
        for allocator in Set(configurations.map(\.allocator)) where !AllocatorLibrary.isAvailable(allocator) {
            _ = try AllocatorLibrary.locate(allocator)  // throws the message naming the package
        }
        let selections =
            try targets.isEmpty
            ? catalog.entries.map { ($0, $0.scenario.variants) }
            : targets.map { try Selection.resolve($0, in: catalog) }
        let plans = try AllocatorComparison.plans(
            selections, configurations: configurations, warmUpIterations: shape.warmUp, iterations: shape.iterations,
            parameters: try shape.parsedParameters(), repeats: `repeat`, budgets: try budgetOptions.budgets(),
            settleMillis: shape.settleMillis)
        let comparison = AllocatorComparison.run(plans, configurations: configurations, jobs: matrix.jobs, quiet: output.quiet)
        print(comparison.renderTable())
        for error in comparison.errors { Terminal.warn(error) }
        AllocatorMessages.warn(about: comparison.runs)
        for mismatch in comparison.allocatorMismatches { Terminal.warn("allocator mismatch: \(mismatch)") }
        if let json { try JSONOutput.write(comparison, to: json) }
        if let html { try HTMLReport.write(HTMLReport.allocatorComparisonPage(comparison), to: html) }
        if !comparison.allocatorMismatches.isEmpty || !comparison.errors.isEmpty {
            throw ExitCode(LabExitCode.checkFailed.rawValue)
        }
    }
}
