import LeakLabKit

/// Clean until workload iteration `onset`, then keeps one 256 B block per iteration.
final class LeakAfterOnset: ScenarioWorkload {
    let onset: Int
    let kept = KeptBlocks()
    init(onset: Int) { self.onset = onset }
    func setUp(context: ScenarioContext) async throws { kept.reserve(context.warmUpIterations + context.workloadIterations) }
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        if index - context.warmUpIterations >= onset { kept.keep(bytes: 256) }
    }
}

let onsetScenario = Scenario(
    id: "truth-onset", title: "A leak that starts at workload iteration `onset`", pattern: .unboundedCache,
    summary: "Nothing leaks until the onset; from it on, 256 B per iteration.", training: training,
    parameters: [.integer("onset", default: 1_200, range: 0...1_000_000, help: "workload iteration the leak starts at")],
    variants: [
        Variant(
            name: "leaks-after-onset", role: .leaky, summary: "256 B per iteration from the onset",
            truth: { run in
                .leak(.heap(.reachable, bytes: 256, objects: 1), shape: .onset(.iteration(run.parameters.integer("onset"))))
            },
            makeWorkload: { LeakAfterOnset(onset: $0.integer("onset")) })
    ])
