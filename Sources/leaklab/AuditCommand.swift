import ArgumentParser
import Foundation
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner

/// `leaklab audit`: runs every variant under jemalloc with exact accounting, at N and 4N
/// iterations, and checks what it measures against the truth the variant declares.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check each variant's measured leakage against its declared truth (exit 1 on any mismatch).",
        discussion: """
            Every variant runs twice under jemalloc with its thread cache off (MALLOC_CONF=\(AllocatorConfiguration.exactJemallocConf), \
            so allocated bytes and malloc/free counts are exact): at its workload iterations N and at \
            4N. A leak's rate (bytes, objects, non-heap memory, fds, threads, tasks) must match its \
            declaration after its onset in both runs and be told apart from zero by its tolerance; a \
            clean variant must grow by nothing and keep no more at 4N than at N; a bounded one must \
            plateau or give back; every variant must end as it declares. --mutants then audits the \
            same runs against deliberately wrong truths and reports how many the audit rejects. \
            --reachability also runs each leak that declares heap blocks under valgrind's memcheck at N \
            and 2N and checks the blocks it declares unreachable (and held by interior pointers) \
            against what memcheck finds lost.
            """)

    @Argument(help: "Scenarios (SCENARIO or SCENARIO/VARIANT) to audit (default: every loaded scenario).")
    var scenarios: [String] = []

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var runOptions: RunOptions

    @OptionGroup var matrix: MatrixOptions

    @Option(help: ArgumentHelp("Write the audit as JSON (schema leaklab.audit/2).", valueName: "file"))
    var json: String?

    @Flag(help: "Also audit mutated truths of every variant and report the mutation score.")
    var mutants = false

    @Flag(help: "Also check each leak's declared reachability with valgrind's memcheck (two runs each; slow).")
    var reachability = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try ReportPath.check(json, option: "--json")
        guard runOptions.allocator == .jemalloc else {
            throw ValidationError(
                "audit measures truth under jemalloc (exact counts); --allocator \(runOptions.allocator.rawValue) is for run, validate and compare-allocators")
        }
    }

    func run() throws {
        let catalog = try plugins.loadCatalog(startsRuns: true)
        // SCENARIO or SCENARIO/VARIANT, as `run` takes them.
        var selection: [(PluginCatalog.Entry, [LeakLabKit.Variant])] = []
        for argument in scenarios.isEmpty ? catalog.entries.map(\.scenario.id) : scenarios {
            let parts = argument.split(separator: "/", maxSplits: 1).map(String.init)
            let entry = try catalog.entry(for: parts[0])
            guard parts.count == 2 else {
                selection.append((entry, entry.scenario.variants))
                continue
            }
            guard let variant = entry.scenario.variant(named: parts[1]) else {
                throw ValidationError("\(parts[0]) has no variant '\(parts[1])'; its variants: \(entry.scenario.variants.map(\.name).joined(separator: ", "))")
            }
            selection.append((entry, [variant]))
        }
        var plans: [RunPlan] = []
        for (entry, variants) in selection {
            for variant in variants {
                let plan = try runOptions.plan(entry, variant)
                // Fail before any child runs on a bad parameter or iteration count.
                do { _ = try plan.request() } catch { throw ValidationError(error.description) }
                plans.append(plan)
            }
        }
        let outcome = AuditCampaign.run(
            AuditCampaign.pairs(plans), jobs: matrix.jobs, quiet: output.quiet, mutants: mutants, reachability: reachability)
        let rows = outcome.rows
        let failures = rows.filter { !$0.passed }
        let mutation = mutants ? MutationSummary(outcome.mutantResults, notScored: failures.map(\.variant)) : nil
        print(AuditRow.table(rows))
        if let json {
            try JSONOutput.write(AuditDocument(rows: rows, passed: failures.isEmpty, mutation: mutation), to: json)
        }
        if let mutation { print(mutation.text) }
        print(AuditRow.summary(rows))
        if !failures.isEmpty { throw ExitCode(LabExitCode.checkFailed.rawValue) }
    }
}
