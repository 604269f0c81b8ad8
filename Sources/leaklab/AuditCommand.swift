import ArgumentParser
import Foundation
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `leaklab audit`: runs every variant under jemalloc with exact accounting and checks what it
/// measures against the truth the variant declares.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check each variant's measured leakage against its declared truth (exit 1 on any mismatch).",
        discussion: """
            Every variant runs under jemalloc with its thread cache off (MALLOC_CONF=tcache:false), so \
            allocated bytes and malloc/free counts are exact. Leaky and clean variants must grow per \
            iteration within their declared tolerance (bytes, objects, fds, threads); clean ones must \
            also return near their baseline after settle; bounded decoys must plateau or fall back.
            """)

    @Argument(help: "Scenarios to audit (default: every loaded scenario).")
    var scenarios: [String] = []

    @OptionGroup var plugins: PluginOptions

    @Option(help: "Children run at once.")
    var jobs: Int = 2

    @Option(help: ArgumentHelp("Write the audit as JSON (schema leaklab.audit/1).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Memory budget per child.", valueName: "size"))
    var memoryBudget: String = "2GiB"

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard ByteSize.parse(memoryBudget) != nil else { throw ValidationError("--memory-budget: '\(memoryBudget)' is not a size") }
    }

    func run() throws {
        let catalog = try plugins.loadCatalog()
        let entries = try scenarios.isEmpty ? catalog.entries : scenarios.map { try catalog.entry(for: $0) }
        var budgets = Budgets.default
        budgets.memoryBytes = ByteSize.parse(memoryBudget)!
        let plans = entries.flatMap { entry in
            entry.scenario.variants.map { RunPlan(entry: entry, variant: $0, allocator: .jemalloc, budgets: budgets, mallocConf: "tcache:false") }
        }
        let progress = MatrixProgress(total: plans.count, label: "audit", quiet: quiet)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans) { index, _ in
            progress.step("\(plans[index].entry.scenario.id)/\(plans[index].variant.name)")
        }
        progress.finish()

        var rows: [AuditRow] = []
        for (plan, result) in zip(plans, results) {
            let key = "\(plan.entry.scenario.id)/\(plan.variant.name)"
            switch result {
            case .success(let record):
                var checks = TruthAudit.checks(for: record)
                if TruthAudit.needsConfirmation(record, checks) {
                    checks = try confirm(plan, first: record, checks: checks)
                }
                rows.append(AuditRow(variant: key, role: plan.variant.role.rawValue, verdict: plan.variant.truth.verdict.rawValue, checks: checks))
            case .failure(let error):
                rows.append(AuditRow(variant: key, role: plan.variant.role.rawValue, verdict: plan.variant.truth.verdict.rawValue, checks: [
                    TruthAudit.Check(name: "run", measured: error.description, declared: "runs", passed: false),
                ]))
            }
        }
        print(AuditRow.table(rows))
        let failures = rows.filter { !$0.passed }
        if let json {
            try JSONOutput.write(AuditDocument(rows: rows, passed: failures.isEmpty), to: json)
        }
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
}

extension AuditCommand {
    /// Reruns a clean variant whose heap grew with four times the iterations (2,000 at least):
    /// growth that does not
    /// scale with the iterations is the runtime filling bounded caches (libdispatch keeps up to
    /// ~1,000 freed work items per thread), not a leak.
    func confirm(_ plan: RunPlan, first: RunRecord, checks: [TruthAudit.Check]) throws -> [TruthAudit.Check] {
        var longer = plan
        longer.workloadIterations = max(first.workloadIterations * 4, 2_000)
        longer.warmUpIterations = first.warmUpIterations
        let second = try Runner.besideCurrentExecutable().run(longer)
        return TruthAudit.confirmed(checks, short: first, long: second)
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
        var lines = ["\("variant".padding(toLength: width, withPad: " ", startingAt: 0))role    truth    check                    measured  /  declared"]
        for row in rows {
            for (index, check) in row.checks.enumerated() {
                let name = index == 0 ? row.variant : ""
                let role = index == 0 ? row.role : ""
                let truth = index == 0 ? row.verdict : ""
                let mark = check.passed ? Terminal.style("ok", "32") : Terminal.style("MISMATCH", "31")
                lines.append("\(name.padding(toLength: width, withPad: " ", startingAt: 0))\(role.padding(toLength: 8, withPad: " ", startingAt: 0))\(truth.padding(toLength: 9, withPad: " ", startingAt: 0))\(check.name.padding(toLength: 25, withPad: " ", startingAt: 0))\(check.measured)  /  \(check.declared)  \(mark)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

struct AuditDocument: Encodable {
    var schema = "leaklab.audit/1"
    var rows: [AuditRow]
    var passed: Bool
}
