import LeakLabModel

/// One variant's audit.
public struct AuditRow: Codable {
    public var variant: String
    public var role: String
    public var verdict: String
    public var checks: [TruthAudit.Check]
    public var passed: Bool { checks.allSatisfy(\.passed) }

    public init(variant: String, role: String, verdict: String, checks: [TruthAudit.Check]) {
        self.variant = variant
        self.role = role
        self.verdict = verdict
        self.checks = checks
    }

    public enum CodingKeys: String, CodingKey { case variant, role, verdict, checks, passed }
    /// `passed` is written for readers of the file and derived again from `checks` when read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        variant = try container.decode(String.self, forKey: .variant)
        role = try container.decode(String.self, forKey: .role)
        verdict = try container.decode(String.self, forKey: .verdict)
        checks = try container.decode([TruthAudit.Check].self, forKey: .checks)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(variant, forKey: .variant)
        try container.encode(role, forKey: .role)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }

    public static func table(_ rows: [AuditRow]) -> String {
        let width = min(56, (rows.map(\.variant.count).max() ?? 10) + 2)
        let checkWidth = min(60, (rows.flatMap(\.checks).map(\.name.count).max() ?? 20) + 2)
        var lines = [
            "\("variant".padding(toLength: width, withPad: " ", startingAt: 0))role    truth    \("check".padding(toLength: checkWidth, withPad: " ", startingAt: 0))measured  /  declared"
        ]
        for row in rows {
            for (index, check) in row.checks.enumerated() {
                let name = index == 0 ? row.variant : ""
                let role = index == 0 ? row.role : ""
                let truth = index == 0 ? row.verdict : ""
                let mark = check.passed ? Terminal.style("ok", "32") : Terminal.style("MISMATCH", "31")
                lines.append(
                    UntrustedText.clean(
                        "\(name.padding(toLength: width, withPad: " ", startingAt: 0))\(role.padding(toLength: 8, withPad: " ", startingAt: 0))\(truth.padding(toLength: 9, withPad: " ", startingAt: 0))\(check.name.padding(toLength: checkWidth, withPad: " ", startingAt: 0))\(check.measured)  /  \(check.declared)"
                    ) + "  \(mark)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `audit --mutants`: how many mutated truths the audit rejected, and which survived and why.
public struct MutationSummary: Codable {
    public var mutants: Int
    public var killed: Int
    /// killed ÷ mutants; `nil` (JSON null) when there were none: nothing was tested, which is not
    /// a perfect score.
    public var score: Double?
    public var survivors: [MutantResult]
    public var byVariant: [String: VariantScore]
    /// Variants whose declared truth fails its own audit: their mutants are not scored.
    public var notScored: [String]

    public struct VariantScore: Codable {
        public var mutants: Int
        public var killed: Int
    }

    public init(_ results: [MutantResult], notScored: [String] = []) {
        self.notScored = notScored
        mutants = results.count
        killed = results.filter(\.killed).count
        score = results.isEmpty ? nil : Double(killed) / Double(results.count)
        survivors = results.filter { !$0.killed }
        byVariant = Dictionary(grouping: results, by: \.variant).mapValues {
            VariantScore(mutants: $0.count, killed: $0.filter(\.killed).count)
        }
    }

    public var text: String {
        var lines = [
            score.map { "mutants: \(killed) of \(mutants) killed (score \(String(format: "%.3f", $0)))" }
                ?? (notScored.isEmpty
                    ? "mutants: none scored (no variant has a per-iteration truth the audit could flip; a declared outcome alone is checked but not mutated)"
                    : "mutants: none scored (every variant's own truth fails the audit; fix those first)")
        ]
        if !notScored.isEmpty {
            lines.append(UntrustedText.clean("  not scored (their declared truth fails the audit): \(notScored.joined(separator: ", "))"))
        }
        for survivor in survivors {
            lines.append(
                UntrustedText.clean("  survived: \(survivor.variant) \(survivor.mutation.rawValue) — the audit cannot tell it apart: \(survivor.why ?? "")"))
        }
        return lines.joined(separator: "\n")
    }
}

/// `audit --json`.
public struct AuditDocument: Codable {
    public static let currentSchema = "leaklab.audit/2"

    public var schema = AuditDocument.currentSchema
    public var rows: [AuditRow]
    public var passed: Bool
    /// Present with `--mutants`.
    public var mutation: MutationSummary?

    public init(rows: [AuditRow], passed: Bool, mutation: MutationSummary?) {
        self.rows = rows
        self.passed = passed
        self.mutation = mutation
    }
}

extension AuditRow {
    /// The audit's last word: all variants match, or which checks of which variants do not.
    public static func summary(_ rows: [AuditRow]) -> String {
        let failures = rows.filter { !$0.passed }
        guard !failures.isEmpty else { return "audit: all \(rows.count) variants match their declared truth" }
        var lines = ["audit: \(failures.count) of \(rows.count) variants do not match their declared truth:"]
        for row in failures {
            for check in row.checks where !check.passed {
                lines.append("  \(row.variant): \(check.name) measured \(check.measured), declared \(check.declared)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
