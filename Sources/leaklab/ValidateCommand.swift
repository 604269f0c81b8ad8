import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
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
    @OptionGroup var shape: RunShapeOptions
    @OptionGroup var budgetOptions: BudgetOptions
    @OptionGroup var matrixOptions: MatrixOptions

    @Option(help: ArgumentHelp("Comma-separated allocators.", valueName: "names"))
    var allocators: String = "jemalloc"

    @Option(
        name: .customLong("allocator-option"),
        help: ArgumentHelp(
            "An allocator option, mapped per allocator (repeatable), as for compare-allocators: e.g. dirty_decay_ms=0, trim-at-settle=true.", valueName: "k=v"))
    var allocatorOptions: [String] = []

    @Option(parsing: .unconditional, help: "Runs of each cell, with seeds 42, 43, …; verdicts that flip between them are reported.")
    var `repeat`: Int = 1

    @Option(help: ArgumentHelp("Run only shard I of N of the matrix (deterministic; join with `leaklab merge`).", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Write runs and scores as JSON (schema leaklab.validate/1).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write JUnit XML: a test case per detector × run, failed where the verdict is wrong.", valueName: "file"))
    var junit: String?

    @Option(
        help: ArgumentHelp(
            "Write a self-contained HTML report: scores, the verdict matrix, every variant's memory curve, the scenarios explained.", valueName: "file"))
    var html: String?

    @Option(
        help: ArgumentHelp(
            "Compare with this baseline (one written by --update-baseline, or a previous validate --json result); exit 1 when precision, recall or F1 drops beyond the tolerance or a right verdict turns wrong.",
            valueName: "file"))
    var baseline: String?

    @Flag(help: "Write this run's scores as the baseline (--baseline FILE) instead of comparing.")
    var updateBaseline = false

    @Option(help: "How far precision, recall or F1 may drop before it counts as a regression.")
    var baselineTolerance: Double = 0.0

    @Option(help: "Runs of each cell when writing a baseline (--update-baseline): the baseline keeps the majority verdict and each cell's flip rate.")
    var baselineSamples: Int = 5

    @Option(help: "Runs of a cell whose verdict turned wrong, the first included, before --baseline calls it a regression: right in any of them, it is flaky.")
    var confirmRuns: Int = 5

    @Option(
        help: ArgumentHelp(
            "MALLOC_CONF for jemalloc children. The default turns the thread cache off (and keeps one arena, so a sample costs the same whatever the threads): with it on, `allocated` swings by a few hundred KiB as per-thread caches fill and flush, which is the cache, not the application. Pass '' to score detectors under jemalloc's defaults.",
            valueName: "conf"))
    var mallocConf: String = AllocatorConfiguration.exactJemallocConf

    @OptionGroup var output: OutputOptions

    @Flag(
        help:
            "Continue an interrupted validate: skip the runs already in the --json file's journal (FILE.journal.jsonl), run the rest, and write the same result as an uninterrupted run."
    )
    var resume = false

    func validate() throws {
        try ReportPath.check(json, option: "--json")
        try ReportPath.check(junit, option: "--junit")
        try ReportPath.check(html, option: "--html")
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        _ = try allocatorList()
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") } }
        if updateBaseline && baseline == nil { throw ValidationError("--update-baseline needs --baseline FILE to write") }
        if let baseline, !updateBaseline { try ReportPath.checkInput(baseline, option: "--baseline") }
        if let baseline, updateBaseline { try ReportPath.check(baseline, option: "--baseline") }
        if try shape.parsedParameters()["seed"] != nil {
            throw ValidationError("--param seed=…: validate sets the seed of each run itself (42, 43, … with --repeat)")
        }
        guard baselineTolerance >= 0 else { throw ValidationError("--baseline-tolerance must be 0 or more") }
        guard baselineSamples >= 1 else { throw ValidationError("--baseline-samples must be at least 1") }
        guard confirmRuns >= 1 else { throw ValidationError("--confirm-runs must be at least 1") }
        if resume && json == nil { throw ValidationError("--resume needs --json FILE: the journal it resumes is FILE.journal.jsonl") }
    }

    func allocatorList() throws -> [AllocatorName] { try AllocatorList.parse(allocators) }

    func run() throws {
        // Read the baseline first: a corrupt one should stop us before an hour of runs.
        let previous: Baseline?
        if let baseline, !updateBaseline {
            previous = try BaselineFile.load(baseline)
        } else {
            previous = nil
        }
        let catalog = try plugins.loadCatalog(startsRuns: true)
        let detectors = try detectorOptions.resolve()
        let allocators = try allocatorList()
        for allocator in allocators where !AllocatorLibrary.isAvailable(allocator) {
            _ = try AllocatorLibrary.locate(allocator)  // throws the message naming the package
        }
        let entries = try scenarios.isEmpty ? catalog.entries : scenarios.map { try catalog.entry(for: $0) }

        let options: AllocatorOptions
        do {
            options = try AllocatorOptions(parsing: allocatorOptions)
            try options.validate(for: allocators)
        } catch {
            throw RunnerError.usage("--allocator-option: \(error)")
        }
        let matrix = ValidateMatrix(
            entries: entries, allocators: allocators, repeats: `repeat`, budgets: try budgetOptions.budgets(),
            mallocConf: mallocConf.isEmpty ? nil : mallocConf, allocatorOptions: options.entries,
            warmUpIterations: shape.warmUp, workloadIterations: shape.iterations, parameters: try shape.parsedParameters(),
            settleMillis: shape.settleMillis)
        let plans = try shard.map { try Shard(parsing: $0).select(matrix.plans) } ?? matrix.plans
        for plan in plans { _ = try plan.request() }  // a bad --param or iteration count stops us before any run
        // Journaled as they finish; --resume skips what the journal holds.
        var results = try ResumableRuns(.validate, json: json, resume: resume, jobs: matrixOptions.jobs, quiet: output.quiet).run(plans, detectors: detectors)
        // Tool detectors (memcheck, lsan, heaptrack, …) run each plan again under the tool, in a
        // second pass; their verdicts join the trace detectors'.
        let tools = detectorOptions.tools()
        if !tools.isEmpty { results = ToolPass.run(tools, plans: plans, results: results, jobs: matrixOptions.jobs, quiet: output.quiet) }

        let outcome = ValidateMatrix.Outcome(plans: plans, results: results)
        let runs = outcome.runs, errors = outcome.errors
        let detectorNames = detectors.map(\.name) + tools.map(\.name)
        let scores = Scoring.score(runs, detectors: detectorNames)
        print(ValidateTable.render(runs: runs, scores: scores))
        for tool in tools { print(ToolPass.overheadLine(tool.name, runs: runs)) }
        for error in errors { Terminal.warn(error) }

        let gate = BaselineGate(
            jobs: matrixOptions.jobs, quiet: output.quiet, baselineSamples: baselineSamples, confirmRuns: confirmRuns,
            baselineTolerance: baselineTolerance)
        var comparison: BaselineComparison?
        if let baseline, updateBaseline {
            let current = gate.measuredBaseline(plans: plans, runs: outcome.byPlan, detectors: detectors, names: detectorNames)
            do { try ReportFile.write(current.encoded(), to: baseline) } catch {
                throw RunnerError.usage("cannot write baseline \(baseline): \(error.localizedDescription)")
            }
            print("\nbaseline written to \(baseline)")
        } else if let previous {
            let result = gate.confirmedComparison(previous: previous, plans: plans, runs: outcome.byPlan, detectors: detectors, names: detectorNames)
            comparison = result
            print(BaselineReport.render(result, path: baseline!))
        }

        AllocatorMessages.warn(about: runs)
        AllocatorMessages.warnApproximateCounts(in: runs)
        let document = ValidateDocument(
            shard: try shard.map { try Shard(parsing: $0).description }, matrix: matrix.keys, runs: runs, detectors: scores, errors: errors,
            baseline: comparison)
        if let json { try JSONOutput.write(document, to: json) }
        if let junit { try JSONOutput.write(Data(ValidateJUnit.render(runs: runs, detectors: detectorNames).utf8), to: junit) }
        if let html { try HTMLReport.write(HTMLReport.validatePage(runs: runs, scores: scores, entries: entries, errors: errors), to: html) }
        // Every report is written first: a run that did not end as declared, or a plan that
        // could not run, fails the gate (exit 1) without losing what was measured.
        let notAsDeclared = runs.filter { !$0.endedAsDeclared }
        if !notAsDeclared.isEmpty {
            let listed = notAsDeclared.prefix(5).map { "\($0.key) (\($0.outcome.rawValue))" }.joined(separator: ", ")
            Terminal.warn(
                "\(notAsDeclared.count) run(s) did not end as their variants declare: \(listed)\(notAsDeclared.count > 5 ? ", …" : ""); their traces are not scored (exit 1)"
            )
        }
        if comparison?.passed == false || !notAsDeclared.isEmpty || !errors.isEmpty { throw ExitCode(LabExitCode.checkFailed.rawValue) }
    }
}
