import LeakLabKit

#if canImport(Glibc)
import Glibc
#endif

/// Keeps a 1 KiB block per iteration and aborts at workload iteration `crash-at`.
final class CrashesAt: ScenarioWorkload {
    let crashAt: Int
    let kept = KeptBlocks()
    init(crashAt: Int) { self.crashAt = crashAt }
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        kept.keep(bytes: 1_024)
        if index - context.warmUpIterations == crashAt { abort() }
    }
}

let outcomesScenario = Scenario(
    id: "truth-outcomes", title: "Variants that crash, declared and not", pattern: LeakPattern("unmanaged-memory"),
    summary: "A leak that aborts part-way through the workload.", training: training,
    parameters: [.integer("crash-at", default: 1_000, range: 0...1_000_000, help: "workload iteration that aborts")],
    variants: [
        Variant(
            name: "crashes-as-declared", role: .leaky, summary: "declares that it crashes",
            truth: .leak(.heap(.reachable, bytes: 1_024, objects: 1), expectedOutcome: .crashed),
            makeWorkload: { CrashesAt(crashAt: $0.integer("crash-at")) }),
        Variant(
            name: "crashes-undeclared", role: .leaky, summary: "declares that it completes, and crashes",
            truth: .leak(.heap(.reachable, bytes: 1_024, objects: 1)),
            makeWorkload: { CrashesAt(crashAt: $0.integer("crash-at")) }),
    ])
