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
            Each variant runs once per allocator, each run in its own child with the allocator \
            preloaded and verified: a run whose malloc is served by another allocator is reported and \
            the command exits 1. Allocators run with their own defaults (no MALLOC_CONF); change their \
            release policy with --allocator-option, e.g. dirty_decay_ms=0 (jemalloc), trim-at-settle=true \
            or trim_threshold=0 (glibc), release_rate=10 (tcmalloc). An option applies to its allocator's \
            runs only. docs/allocators.md says what each figure means and where it comes from.
            """)

    @Argument(help: ArgumentHelp("Scenarios or scenario/variant (default: every loaded scenario).", valueName: "scenario[/variant]"))
    var targets: [String] = []

    @OptionGroup var plugins: PluginOptions

    @Option(help: ArgumentHelp("Comma-separated allocators.", valueName: "names"))
    var allocators: String = AllocatorName.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .customLong("allocator-option"), help: ArgumentHelp("A release-policy option, mapped per allocator (repeatable); see the discussion.", valueName: "k=v"))
    var allocatorOptions: [String] = []

    @Option(help: "Children run at once.")
    var jobs: Int = 2

    @Option(help: "Workload iterations (default: each scenario's).")
    var iterations: Int?

    @Option(name: .customLong("param"), help: ArgumentHelp("A scenario parameter for every run (repeatable).", valueName: "k=v"))
    var parameters: [String] = []

    @Option(name: .customLong("settle-ms"), help: "How long the settle phase lasts, milliseconds: the time each allocator gets to give memory back.")
    var settleMillis: Int = 300

    @Option(help: ArgumentHelp("Memory budget per child.", valueName: "size"))
    var memoryBudget: String = "2GiB"

    @Option(help: ArgumentHelp("Wall-time budget per child, seconds.", valueName: "seconds"))
    var timeBudget: Double = Budgets.default.wallSeconds

    @Option(help: ArgumentHelp("Write the comparison and every run as JSON (schema leaklab.compare/1).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report: each variant's curves per allocator and growth by allocator.", valueName: "file"))
    var html: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let iterations, iterations < 2 { throw ValidationError("--iterations must be at least 2 (got \(iterations))") }
        guard settleMillis >= 0 else { throw ValidationError("--settle-ms must be 0 or more") }
        guard ByteSize.parse(memoryBudget).map({ $0 > 0 }) == true else { throw ValidationError("--memory-budget: '\(memoryBudget)' is not a size") }
        _ = try parsedParameters()
        do { try options().validate(for: try allocatorList()) } catch let error as RunnerError {
            throw ValidationError(error.description)
        }
    }

    func allocatorList() throws -> [AllocatorName] {
        let names = try allocators.split(separator: ",").map { name in
            guard let allocator = AllocatorName(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown allocator '\(name)'; choose from \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return allocator
        }
        guard !names.isEmpty else { throw ValidationError("--allocators names none") }
        return names.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    func options() throws -> AllocatorOptions {
        do { return try AllocatorOptions(parsing: allocatorOptions) } catch { throw ValidationError(error.description) }
    }

    func parsedParameters() throws -> [String: String] {
        try RunOptions.parseParameters(parameters)
    }

    func run() throws {
        let catalog = try plugins.loadCatalog()
        let allocators = try allocatorList()
        for allocator in allocators where !AllocatorLibrary.isAvailable(allocator) {
            _ = try AllocatorLibrary.locate(allocator)  // throws the message naming the package
        }
        let selections = try targets.isEmpty
            ? catalog.entries.map { ($0, $0.scenario.variants) }
            : targets.map { try Selection.resolve($0, in: catalog) }
        var budgets = Budgets.default
        budgets.memoryBytes = ByteSize.parse(memoryBudget)!
        budgets.wallSeconds = timeBudget
        let options = try options()
        let overrides = try parsedParameters()
        var plans: [RunPlan] = []
        for (entry, variants) in selections {
            for variant in variants {
                for allocator in allocators {
                    let plan = RunPlan(
                        entry: entry, variant: variant, allocator: allocator, workloadIterations: iterations,
                        parameterOverrides: overrides, budgets: budgets, settleMillis: settleMillis,
                        allocatorOptions: options.entries)
                    _ = try plan.request()  // a bad parameter stops us before any child starts
                    plans.append(plan)
                }
            }
        }

        let detectors = DetectorRegistry.builtIns
        let matrix = plans
        let progress = MatrixProgress(total: plans.count, label: "compare-allocators", quiet: quiet)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans, finishing: { record in
            var judged = record
            judged.verdicts = DetectorRegistry.evaluate(detectors, on: record.trace)
            return judged
        }) { index, result in
            let plan = matrix[index]
            var note = "\(plan.entry.scenario.id)/\(plan.variant.name) [\(plan.allocator)]"
            if case .success(let record) = result, record.allocator.active != record.allocator.requested {
                note += " ALLOCATOR MISMATCH: \(record.allocator.active?.rawValue ?? "unknown") served malloc"
            }
            progress.step(note)
        }
        progress.finish()

        var runs: [RunRecord] = []
        var errors: [String] = []
        for (plan, result) in zip(plans, results) {
            switch result {
            case .success(let record): runs.append(record)
            case .failure(let error): errors.append("\(plan.entry.scenario.id)/\(plan.variant.name) [\(plan.allocator)]: \(error)")
            }
        }
        let comparison = AllocatorComparison(allocators: allocators, allocatorOptions: options.entries, runs: runs, errors: errors)
        print(comparison.renderTable())
        for error in errors { Terminal.warn(error) }
        for mismatch in comparison.allocatorMismatches { Terminal.warn("allocator mismatch: \(mismatch)") }
        if let json { try JSONOutput.write(comparison, to: json) }
        if let html {
            let page = HTMLReport.page(
                title: "LeakLab: allocators compared",
                subtitle: "\(allocators.map(\.rawValue).joined(separator: ", ")) — \(runs.count) runs",
                sections: [HTMLReport.allocatorComparisonSection(runs)])
            try HTMLReport.write(page, to: html)
        }
        if !comparison.allocatorMismatches.isEmpty || !errors.isEmpty {
            throw ExitCode(LabExitCode.checkFailed.rawValue)
        }
    }
}
