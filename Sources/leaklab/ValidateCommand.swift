import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `leaklab validate`: every detector on every variant, scored against the truth; a regression
/// gate with baselines, JSON and JUnit output.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Score detectors on the scenario matrix; exit 1 when a baseline is missed.",
        discussion: """
            The matrix is scenarios × variants × allocators × repeats (repeat r runs with seed 42+r). \
            Each cell runs once, in its own child; every detector judges its trace. Leaky variants are \
            positives; fixed (clean) variants and bounded decoys are negatives.

            Each finished run is appended at once to a journal (the --json file + .journal.jsonl), so \
            an interrupted campaign keeps what it measured: on SIGINT or SIGTERM the children are \
            killed, the journal is kept, and the same command with --resume runs only the rest \
            (docs/containment.md).
            """)

    @Argument(help: "Scenarios (default: every loaded scenario).")
    var scenarios: [String] = []

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var detectorOptions: DetectorOptions

    @Option(help: ArgumentHelp("Comma-separated allocators.", valueName: "names"))
    var allocators: String = "jemalloc"

    @Option(name: .customLong("allocator-option"), help: ArgumentHelp("An allocator option, mapped per allocator (repeatable), as for compare-allocators: e.g. dirty_decay_ms=0, trim-at-settle=true.", valueName: "k=v"))
    var allocatorOptions: [String] = []

    @Option(help: "Runs of each cell, with seeds 42, 43, …; verdicts that flip between them are reported.")
    var `repeat`: Int = 1

    @Option(help: "Children run at once.")
    var jobs: Int = 2

    @Option(help: ArgumentHelp("Run only shard I of N of the matrix (deterministic; join with `leaklab merge`).", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Write runs and scores as JSON (schema leaklab.validate/1).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write JUnit XML: a test case per detector × run, failed where the verdict is wrong.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report: scores, the verdict matrix, every variant's memory curve, the scenarios explained.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Compare with this baseline; exit 1 when precision, recall or F1 drops beyond the tolerance or a right verdict turns wrong.", valueName: "file"))
    var baseline: String?

    @Flag(help: "Write this run's scores as the baseline (--baseline FILE) instead of comparing.")
    var updateBaseline = false

    @Option(help: "How far precision, recall or F1 may drop before it counts as a regression.")
    var baselineTolerance: Double = 0.0

    @Option(help: "Runs of each cell when writing a baseline (--update-baseline): the baseline keeps the majority verdict and each cell's flip rate.")
    var baselineSamples: Int = 5

    @Option(help: "Runs of a cell whose verdict turned wrong, the first included, before --baseline calls it a regression: right in any of them, it is flaky.")
    var confirmRuns: Int = 5

    @Option(help: ArgumentHelp("MALLOC_CONF for jemalloc children. The default turns the thread cache off: with it on, `allocated` swings by a few hundred KiB as per-thread caches fill and flush, which is the cache, not the application. Pass '' to score detectors under jemalloc's defaults.", valueName: "conf"))
    var mallocConf: String = "tcache:false"

    @Option(help: ArgumentHelp("Memory budget per child.", valueName: "size"))
    var memoryBudget: String = "2GiB"

    @Option(help: ArgumentHelp("Wall-time budget per child, seconds.", valueName: "seconds"))
    var timeBudget: Double = Budgets.default.wallSeconds

    @Flag(help: "No progress on stderr.")
    var quiet = false

    @Flag(help: "Continue an interrupted validate: skip the runs already in the --json file's journal (FILE.journal.jsonl), run the rest, and write the same result as an uninterrupted run.")
    var resume = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        _ = try allocatorList()
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") } }
        if updateBaseline && baseline == nil { throw ValidationError("--update-baseline needs --baseline FILE to write") }
        guard ByteSize.parse(memoryBudget) != nil else { throw ValidationError("--memory-budget: '\(memoryBudget)' is not a size") }
        guard baselineTolerance >= 0 else { throw ValidationError("--baseline-tolerance must be 0 or more") }
        guard baselineSamples >= 1 else { throw ValidationError("--baseline-samples must be at least 1") }
        guard confirmRuns >= 1 else { throw ValidationError("--confirm-runs must be at least 1") }
        if resume && json == nil { throw ValidationError("--resume needs --json FILE: the journal it resumes is FILE.journal.jsonl") }
    }

    func allocatorList() throws -> [AllocatorName] {
        try allocators.split(separator: ",").map { name in
            guard let allocator = AllocatorName(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown allocator '\(name)'; choose from \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return allocator
        }
    }

    func run() throws {
        // Read the baseline first: a corrupt one should stop us before an hour of runs.
        let previous: Baseline?
        if let baseline, !updateBaseline {
            do { previous = try Baseline.load(contentsOf: URL(fileURLWithPath: baseline)) } catch {
                throw RunnerError.usage("--baseline \(baseline): \(error)")
            }
        } else {
            previous = nil
        }
        let catalog = try plugins.loadCatalog()
        let detectors = try detectorOptions.resolve()
        let allocators = try allocatorList()
        for allocator in allocators where !AllocatorLibrary.isAvailable(allocator) {
            _ = try AllocatorLibrary.locate(allocator)  // throws the message naming the package
        }
        let entries = try scenarios.isEmpty ? catalog.entries : scenarios.map { try catalog.entry(for: $0) }
        var budgets = Budgets.default
        budgets.memoryBytes = ByteSize.parse(memoryBudget)!
        budgets.wallSeconds = timeBudget

        let options: AllocatorOptions
        do {
            options = try AllocatorOptions(parsing: allocatorOptions)
            try options.validate(for: allocators)
        } catch {
            throw RunnerError.usage("--allocator-option: \(error)")
        }
        let matrix = ValidateMatrix(
            entries: entries, allocators: allocators, repeats: `repeat`, budgets: budgets,
            mallocConf: mallocConf.isEmpty ? nil : mallocConf, allocatorOptions: options.entries)
        let plans = try shard.map { try Shard(parsing: $0).select(matrix.plans) } ?? matrix.plans
        // Journaled as they finish; --resume skips what the journal holds (ValidateCommand+Resume.swift).
        var results = try runJournaled(plans, detectors: detectors)
        // Tool detectors (memcheck, lsan, heaptrack) run each plan again under the tool, in a
        // second pass; their verdicts join the trace detectors' (ToolPass below).
        let tools = detectorOptions.tools()
        if !tools.isEmpty { results = ToolPass.run(tools, plans: plans, results: results, jobs: jobs, quiet: quiet) }

        var runs: [RunRecord] = []
        var byPlan: [Int: RunRecord] = [:]
        var errors: [String] = []
        for (index, (plan, result)) in zip(plans, results).enumerated() {
            switch result {
            case .success(let record):
                runs.append(record)
                byPlan[index] = record
            case .failure(let error): errors.append("\(ValidateMatrix.key(plan)): \(error)")
            }
        }
        let detectorNames = detectors.map(\.name) + tools.map(\.name)
        let scores = Scoring.score(runs, detectors: detectorNames)
        print(ValidateTable.render(runs: runs, scores: scores))
        for tool in tools { print(ToolPass.overheadLine(tool.name, runs: runs)) }
        for error in errors { Terminal.warn(error) }

        var comparison: BaselineComparison?
        if let baseline, updateBaseline {
            let current = measuredBaseline(plans: plans, runs: byPlan, detectors: detectors, names: detectorNames)
            do { try current.encoded().write(to: URL(fileURLWithPath: baseline), options: .atomic) } catch {
                throw RunnerError.usage("cannot write baseline \(baseline): \(error.localizedDescription)")
            }
            print("\nbaseline written to \(baseline)")
        } else if let previous {
            let result = confirmedComparison(previous: previous, plans: plans, runs: byPlan, detectors: detectors, names: detectorNames)
            comparison = result
            print(BaselineReport.render(result, path: baseline!))
        }

        let document = ValidateDocument(
            shard: try shard.map { try Shard(parsing: $0).description }, matrix: matrix.keys, runs: runs, detectors: scores, errors: errors, baseline: comparison)
        if let json { try JSONOutput.write(document, to: json) }
        if let junit {
            do {
                try ValidateJUnit.render(runs: runs, detectors: detectorNames)
                    .write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                throw RunnerError.usage("cannot write \(junit): \(error.localizedDescription)")
            }
        }
        if let html { try HTMLReport.write(HTMLReport.validatePage(runs: runs, scores: scores, entries: entries, errors: errors), to: html) }
        if comparison?.passed == false { throw ExitCode(LabExitCode.checkFailed.rawValue) }
    }
}

/// The validate matrix in its fixed order: scenario, variant, allocator, repeat.
struct ValidateMatrix {
    var plans: [RunPlan] = []

    init(
        entries: [PluginCatalog.Entry], allocators: [AllocatorName], repeats: Int, budgets: Budgets,
        mallocConf: String?, allocatorOptions: [String: String] = [:]
    ) {
        for entry in entries {
            for variant in entry.scenario.variants {
                for allocator in allocators {
                    for index in 0..<repeats {
                        plans.append(RunPlan(
                            entry: entry, variant: variant, allocator: allocator,
                            parameterOverrides: ["seed": String(42 + index)], budgets: budgets,
                            mallocConf: allocator == .jemalloc ? mallocConf : nil, allocatorOptions: allocatorOptions))
                    }
                }
            }
        }
    }

    /// The cells' keys, matching `RunRecord.matrixKey`.
    var keys: [String] { plans.map(Self.key) }

    static func key(_ plan: RunPlan) -> String {
        "\(plan.entry.scenario.id)/\(plan.variant.name)/\(plan.allocator.rawValue)/seed=\(plan.parameterOverrides["seed"] ?? "42")"
    }
}

/// How the run compares with the baseline, for the terminal.
enum BaselineReport {
    static func render(_ comparison: BaselineComparison, path: String) -> String {
        var lines = [""]
        if comparison.passed {
            lines.append(Terminal.style("baseline \(path): no regressions", "32"))
        } else {
            lines.append(Terminal.style("baseline \(path): \(comparison.regressions.count) regression(s)", "31"))
            for change in comparison.regressions { lines.append("  worse: \(change)") }
        }
        for change in comparison.improvements { lines.append("  better: \(change)") }
        for cell in comparison.flaky ?? [] { lines.append("  flaky (not a regression): \(cell)") }
        if !comparison.unmatched.isEmpty {
            lines.append("  not compared (only on one side): \(comparison.unmatched.prefix(8).joined(separator: ", "))\(comparison.unmatched.count > 8 ? ", …" : "")")
        }
        return lines.joined(separator: "\n")
    }
}

/// The tool detectors' pass over a campaign: each finished plan again under each tool, `jobs` at
/// a time, and the tools' overhead (tool wall time ÷ plain wall time) summarised.
enum ToolPass {
    static func run(
        _ tools: [ToolDetector], plans: [RunPlan], results: [Result<RunRecord, RunnerError>], jobs: Int, quiet: Bool
    ) -> [Result<RunRecord, RunnerError>] {
        let lock = NSLock()
        nonisolated(unsafe) var updated = results
        nonisolated(unsafe) var next = 0
        let progress = MatrixProgress(total: plans.count, label: tools.map(\.name).joined(separator: "+"), quiet: quiet)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, plans.count))) { _ in
            while true {
                lock.lock()
                let index = next
                next += 1
                lock.unlock()
                guard index < plans.count else { return }
                guard case .success(var record) = results[index] else { continue }
                record.verdicts += tools.map { $0.evaluate(plan: plans[index], plain: record) }
                lock.lock()
                updated[index] = .success(record)
                progress.step(ValidateMatrix.key(plans[index]))
                lock.unlock()
            }
        }
        progress.finish()
        return updated
    }

    static func overheadLine(_ tool: String, runs: [RunRecord]) -> String {
        let ratios = runs.compactMap { $0.verdict(of: tool)?.overhead }.sorted()
        let failed = runs.filter { $0.verdict(of: tool)?.failure != nil }.count
        guard let first = ratios.first, let last = ratios.last else { return "\(tool): no overhead measured (\(failed) failed)" }
        return "\(tool): overhead " + String(format: "%.1fx median (%.1fx to %.1fx) over %d runs; %d failed", ratios[ratios.count / 2], first, last, ratios.count, failed)
    }
}
