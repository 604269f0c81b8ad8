import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
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
            allocator with release-policy options: a preset (jemalloc, jemalloc-defaults, \
            jemalloc-no-decay, glibc, glibc-trim, tcmalloc, tcmalloc-release, mimalloc) or \
            NAME:ALLOCATOR[:k=v,…], e.g. --config lazy:jemalloc:dirty_decay_ms=30000. The default rows \
            are jemalloc, glibc, mimalloc and tcmalloc. jemalloc runs with its thread cache off \
            (MALLOC_CONF=tcache:false) unless a configuration sets tcache: the allocated figure is then \
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

    @Option(name: .customLong("config"), help: ArgumentHelp("A configuration row (repeatable): a preset (\(AllocatorConfiguration.presets.map(\.name).joined(separator: ", "))) or NAME:ALLOCATOR[:k=v,…]. Replaces --allocators.", valueName: "config"))
    var configs: [String] = []

    @Option(name: .customLong("allocator-option"), help: ArgumentHelp("A release-policy option added to every configuration of its allocator (repeatable); see the discussion.", valueName: "k=v"))
    var allocatorOptions: [String] = []

    @Option(help: "Runs of each configuration and variant, with seeds 42, 43, …: growth figures give their spread.")
    var `repeat`: Int = 1

    @Option(help: "Children run at once.")
    var jobs: Int = 2

    @Option(help: "Workload iterations (default: each scenario's, the count its truth was declared for).")
    var iterations: Int?

    @Option(name: .customLong("param"), help: ArgumentHelp("A scenario parameter for every run (repeatable).", valueName: "k=v"))
    var parameters: [String] = []

    @Option(name: .customLong("settle-ms"), help: "How long the settle phase lasts, milliseconds: the time each allocator gets to give memory back.")
    var settleMillis: Int = 300

    @Option(help: ArgumentHelp("Memory budget per child.", valueName: "size"))
    var memoryBudget: String = "2GiB"

    @Option(help: ArgumentHelp("Wall-time budget per child, seconds.", valueName: "seconds"))
    var timeBudget: Double = Budgets.default.wallSeconds

    @Option(help: ArgumentHelp("Write the comparison and every run as JSON (schema \(AllocatorComparison.currentSchema)).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report: each variant's curves per allocator and growth by allocator.", valueName: "file"))
    var html: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        if let iterations, iterations < 2 { throw ValidationError("--iterations must be at least 2 (got \(iterations))") }
        guard settleMillis >= 0 else { throw ValidationError("--settle-ms must be 0 or more") }
        guard ByteSize.parse(memoryBudget).map({ $0 > 0 }) == true else { throw ValidationError("--memory-budget: '\(memoryBudget)' is not a size") }
        _ = try parsedParameters()
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
            list = try allocators.split(separator: ",").map { name in
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let allocator = AllocatorName(rawValue: trimmed), let preset = AllocatorConfiguration.preset(allocator.rawValue) else {
                    throw ValidationError("unknown allocator '\(name)'; choose from \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return preset
            }
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

    func parsedParameters() throws -> [String: String] {
        try RunOptions.parseParameters(parameters)
    }

    /// Settle samples per run: fine enough to time when RSS stops falling (settle-ms ÷ this).
    static let settleSamples = 15

    func run() throws {
        let catalog = try plugins.loadCatalog()
        let configurations = try configurationList()
        for allocator in Set(configurations.map(\.allocator)) where !AllocatorLibrary.isAvailable(allocator) {
            _ = try AllocatorLibrary.locate(allocator)  // throws the message naming the package
        }
        let selections = try targets.isEmpty
            ? catalog.entries.map { ($0, $0.scenario.variants) }
            : targets.map { try Selection.resolve($0, in: catalog) }
        var budgets = Budgets.default
        budgets.memoryBytes = ByteSize.parse(memoryBudget)!
        budgets.wallSeconds = timeBudget
        let overrides = try parsedParameters()
        var plans: [RunPlan] = []
        var planConfigurations: [AllocatorConfiguration] = []
        for (entry, variants) in selections {
            for variant in variants {
                for configuration in configurations {
                    for index in 0..<`repeat` {
                        var parameters = overrides
                        if `repeat` > 1, parameters["seed"] == nil { parameters["seed"] = String(42 + index) }
                        var plan = RunPlan(
                            entry: entry, variant: variant, allocator: configuration.allocator,
                            workloadIterations: iterations,
                            parameterOverrides: parameters, budgets: budgets, mallocConf: configuration.mallocConf,
                            settleMillis: settleMillis, allocatorOptions: configuration.options)
                        plan.settleSamples = Self.settleSamples
                        _ = try plan.request()  // a bad parameter stops us before any child starts
                        plans.append(plan)
                        planConfigurations.append(configuration)
                    }
                }
            }
        }

        let detectors = DetectorRegistry.builtIns
        let matrix = plans
        let rowNames = planConfigurations.map(\.name)
        let progress = MatrixProgress(total: plans.count, label: "compare-allocators", quiet: quiet)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans, finishing: { record in
            var judged = record
            judged.verdicts = DetectorRegistry.evaluate(detectors, on: record.trace)
            return judged
        }) { index, result in
            let plan = matrix[index]
            var note = "\(plan.entry.scenario.id)/\(plan.variant.name) [\(rowNames[index])]"
            if case .success(let record) = result, record.allocator.active != record.allocator.requested {
                note += " ALLOCATOR MISMATCH: \(record.allocator.active?.rawValue ?? "unknown") served malloc"
            }
            progress.step(note)
        }
        progress.finish()

        var runs: [RunRecord] = []
        var errors: [String] = []
        for ((plan, configuration), result) in zip(zip(plans, planConfigurations), results) {
            switch result {
            case .success(var record):
                record.configuration = configuration.name
                runs.append(record)
            case .failure(let error): errors.append("\(plan.entry.scenario.id)/\(plan.variant.name) [\(configuration.name)]: \(error)")
            }
        }
        let comparison = AllocatorComparison(configurations: configurations, runs: runs, errors: errors)
        print(comparison.renderTable())
        for error in errors { Terminal.warn(error) }
        for mismatch in comparison.allocatorMismatches { Terminal.warn("allocator mismatch: \(mismatch)") }
        if let json { try JSONOutput.write(comparison, to: json) }
        if let html {
            let page = HTMLReport.page(
                title: "LeakLab: allocators compared",
                subtitle: "\(configurations.map(\.name).joined(separator: ", ")) — \(runs.count) runs",
                sections: HTMLReport.allocatorComparisonSections(comparison))
            try HTMLReport.write(page, to: html)
        }
        if !comparison.allocatorMismatches.isEmpty || !errors.isEmpty {
            throw ExitCode(LabExitCode.checkFailed.rawValue)
        }
    }
}
