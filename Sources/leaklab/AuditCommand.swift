import ArgumentParser
import Foundation
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `leaklab audit`: runs every variant under jemalloc with exact accounting, at N and 4N
/// iterations, and checks what it measures against the truth the variant declares.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check each variant's measured leakage against its declared truth (exit 1 on any mismatch).",
        discussion: """
            Every variant runs twice under jemalloc with its thread cache off (MALLOC_CONF=tcache:false, \
            so allocated bytes and malloc/free counts are exact): at its workload iterations N and at \
            4N. A leak's rate (bytes, objects, non-heap memory, fds, threads, tasks) must match its \
            declaration after its onset in both runs and be told apart from zero by its tolerance; a \
            clean variant must grow by nothing and keep no more at 4N than at N; a bounded one must \
            plateau or give back; every variant must end as it declares. --mutants then audits the \
            same runs against deliberately wrong truths and reports how many the audit rejects.
            """)

    @Argument(help: "Scenarios (SCENARIO or SCENARIO/VARIANT) to audit (default: every loaded scenario).")
    var scenarios: [String] = []

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var runOptions: RunOptions

    @Option(help: "Children run at once.")
    var jobs: Int = 2

    @Option(help: ArgumentHelp("Write the audit as JSON (schema leaklab.audit/2).", valueName: "file"))
    var json: String?

    @Flag(help: "Also audit mutated truths of every variant and report the mutation score.")
    var mutants = false

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard runOptions.allocator == .jemalloc else {
            throw ValidationError("audit measures truth under jemalloc (exact counts); --allocator \(runOptions.allocator.rawValue) is for run, validate and compare-allocators")
        }
    }

    func run() throws {
        let catalog = try plugins.loadCatalog()
        // SCENARIO or SCENARIO/VARIANT, as `run` takes them.
        var selection: [(PluginCatalog.Entry, [LeakLabKit.Variant])] = []
        for argument in scenarios.isEmpty ? catalog.entries.map(\.scenario.id) : scenarios {
            let parts = argument.split(separator: "/", maxSplits: 1).map(String.init)
            let entry = try catalog.entry(for: parts[0])
            guard parts.count == 2 else { selection.append((entry, entry.scenario.variants)); continue }
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
                plans.append(Self.longer(plan))
            }
        }
        let progress = MatrixProgress(total: plans.count, label: "audit", quiet: quiet)
        let labels = plans.map { "\($0.entry.scenario.id)/\($0.variant.name)" }
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans) { index, _ in
            progress.step(labels[index])
        }
        progress.finish()

        var rows: [AuditRow] = [], mutantResults: [MutantResult] = []
        for index in stride(from: 0, to: plans.count, by: 2) {
            let plan = plans[index]
            let key = "\(plan.entry.scenario.id)/\(plan.variant.name)"
            let truth = (try? plan.truth()) ?? plan.variant.truth
            switch (results[index], results[index + 1]) {
            case (.success(let primary), let longer):
                var evidence = TruthAudit.Evidence(primary: primary, longer: try? longer.get())
                var checks = TruthAudit.checks(for: evidence)
                // A rate that varies by design (scheduling, a race) may land outside its spread on a
                // busy machine: a second pair of runs decides, and both are shown.
                if truth.rateVaries, checks.contains(where: { !$0.passed }),
                   checks.filter({ !$0.passed }).allSatisfy({ $0.name.contains("/iteration") }),
                   case .success(let second) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plan) }),
                   case .success(let secondLonger) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plans[index + 1]) }) {
                    let again = TruthAudit.checks(for: TruthAudit.Evidence(primary: second, longer: secondLonger))
                    if again.allSatisfy(\.passed) {
                        let first = checks.filter { !$0.passed }.map { "\($0.name) \($0.measured)" }.joined(separator: "; ")
                        checks = again
                        checks.append(TruthAudit.Check(
                            name: "rate varies: second pair", measured: "first pair outside the spread (\(first))",
                            declared: "a second pair within it", passed: true))
                        evidence = TruthAudit.Evidence(primary: second, longer: secondLonger)
                    }
                }
                if TruthAudit.needsConfirmingPair(checks),
                   case .success(let second) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plan) }),
                   case .success(let secondLonger) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plans[index + 1]) }) {
                    evidence.confirmingPair = (second, secondLonger)
                    checks = TruthAudit.checks(for: evidence)
                }
                let row = AuditRow(variant: key, role: plan.variant.role.rawValue, verdict: truth.verdict.rawValue, checks: checks)
                rows.append(row)
                // A variant whose own truth fails has no truth to mutate: its mutants are not scored.
                if mutants, row.passed { mutantResults += MutantResult.results(variant: key, evidence: evidence) }
            case (.failure(let error), _):
                rows.append(AuditRow(variant: key, role: plan.variant.role.rawValue, verdict: truth.verdict.rawValue, checks: [
                    TruthAudit.Check(name: "run", measured: error.description, declared: "runs", passed: false),
                ]))
            }
        }
        print(AuditRow.table(rows))
        let failures = rows.filter { !$0.passed }
        let mutation = mutants ? MutationSummary(mutantResults, notScored: rows.filter { !$0.passed }.map(\.variant)) : nil
        if let json {
            try JSONOutput.write(AuditDocument(rows: rows, passed: failures.isEmpty, mutation: mutation), to: json)
        }
        if let mutation { print(mutation.text) }
        if failures.isEmpty {
            print("audit: all \(rows.count) variants match their declared truth")
        } else {
            print("audit: \(failures.count) of \(rows.count) variants do not match their declared truth:")
            for row in failures {
                for check in row.checks where !check.passed {
                    print("  \(row.variant): \(check.name) measured \(check.measured), declared \(check.declared)")
                }
            }
            throw ExitCode(LabExitCode.checkFailed.rawValue)
        }
    }

    /// The same plan at ``TruthAudit/longerRunFactor`` × its workload iterations, same warm-up —
    /// or as many as the scenario's limit and the child's budgets allow for what the variant
    /// declares it leaks (fds, threads, memory, with room to spare).
    static func longer(_ plan: RunPlan) -> RunPlan {
        var longer = plan
        let scenario = plan.entry.scenario
        let workload = plan.workloadIterations ?? scenario.defaultIterations
        let warmUp = plan.warmUpIterations ?? scenario.defaultWarmUp
        var iterations = workload * TruthAudit.longerRunFactor
        if let maximum = scenario.maximumIterations { iterations = min(iterations, maximum) }
        let rate = ((try? plan.truth()) ?? plan.variant.truth).perIteration
        func cap(_ perIteration: Double, _ budget: Int) {
            guard perIteration > 0 else { return }
            iterations = min(iterations, Int(Double(budget) / perIteration) - warmUp)
        }
        cap(rate.fds, plan.budgets.openFiles * 3 / 4)
        cap(rate.threads, plan.budgets.threads * 3 / 4)
        cap(rate.bytes + rate.nonHeapBytes, plan.budgets.memoryBytes / 4)
        longer.workloadIterations = max(workload, iterations)
        longer.warmUpIterations = warmUp
        return longer
    }
}

/// One variant's audit.
struct AuditRow: Encodable {
    var variant: String
    var role: String
    var verdict: String
    var checks: [TruthAudit.Check]
    var passed: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey { case variant, role, verdict, checks, passed }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(variant, forKey: .variant)
        try container.encode(role, forKey: .role)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }

    static func table(_ rows: [AuditRow]) -> String {
        let width = min(56, (rows.map(\.variant.count).max() ?? 10) + 2)
        let checkWidth = min(60, (rows.flatMap(\.checks).map(\.name.count).max() ?? 20) + 2)
        var lines = ["\("variant".padding(toLength: width, withPad: " ", startingAt: 0))role    truth    \("check".padding(toLength: checkWidth, withPad: " ", startingAt: 0))measured  /  declared"]
        for row in rows {
            for (index, check) in row.checks.enumerated() {
                let name = index == 0 ? row.variant : ""
                let role = index == 0 ? row.role : ""
                let truth = index == 0 ? row.verdict : ""
                let mark = check.passed ? Terminal.style("ok", "32") : Terminal.style("MISMATCH", "31")
                lines.append(UntrustedText.clean("\(name.padding(toLength: width, withPad: " ", startingAt: 0))\(role.padding(toLength: 8, withPad: " ", startingAt: 0))\(truth.padding(toLength: 9, withPad: " ", startingAt: 0))\(check.name.padding(toLength: checkWidth, withPad: " ", startingAt: 0))\(check.measured)  /  \(check.declared)") + "  \(mark)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `audit --mutants`: how many mutated truths the audit rejected, and which survived and why.
struct MutationSummary: Encodable {
    var mutants: Int
    var killed: Int
    /// killed ÷ mutants; 1 when there were none.
    var score: Double
    var survivors: [MutantResult]
    var byVariant: [String: VariantScore]
    /// Variants whose declared truth fails its own audit: their mutants are not scored.
    var notScored: [String]

    struct VariantScore: Encodable {
        var mutants: Int
        var killed: Int
    }

    init(_ results: [MutantResult], notScored: [String] = []) {
        self.notScored = notScored
        mutants = results.count
        killed = results.filter(\.killed).count
        score = results.isEmpty ? 1 : Double(killed) / Double(results.count)
        survivors = results.filter { !$0.killed }
        byVariant = Dictionary(grouping: results, by: \.variant).mapValues {
            VariantScore(mutants: $0.count, killed: $0.filter(\.killed).count)
        }
    }

    var text: String {
        var lines = ["mutants: \(killed) of \(mutants) killed (score \(String(format: "%.3f", score)))"]
        if !notScored.isEmpty {
            lines.append(UntrustedText.clean("  not scored (their declared truth fails the audit): \(notScored.joined(separator: ", "))"))
        }
        for survivor in survivors {
            lines.append(UntrustedText.clean("  survived: \(survivor.variant) \(survivor.mutation.rawValue) — the audit cannot tell it apart: \(survivor.why ?? "")"))
        }
        return lines.joined(separator: "\n")
    }
}

struct AuditDocument: Encodable {
    var schema = "leaklab.audit/2"
    var rows: [AuditRow]
    var passed: Bool
    /// Present with `--mutants`.
    var mutation: MutationSummary?
}
