import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `leaklab tour`: a newcomer's first half minute with the lab. For each leak pattern, one
/// scenario's leaky variant and its fix run briefly side by side; the tour shows their memory
/// curves on a shared scale, what every built-in detector said about each, and where to read more.
public enum Tour {
    /// One stop of the tour: a pattern, the scenario shown for it, and its leaky and fixed variants.
    public struct Stop {
        public var pattern: String
        public var entry: PluginCatalog.Entry
        public var leaky: LeakLabKit.Variant
        public var fixed: LeakLabKit.Variant
    }

    /// Built-in patterns first, in their documented order, then any others plugins name; for each,
    /// the first scenario in catalogue order with a leaky variant paired to a fix. Scenarios written
    /// to teach a pattern come before case studies of public reports (those with `references`):
    /// the tour teaches patterns; `explain` tells the reports' stories.
    public static func stops(_ catalog: PluginCatalog, patterns only: [String]) -> [Stop] {
        var order = LeakPattern.builtIn.map(\.rawValue)
        for entry in catalog.entries where !order.contains(entry.scenario.pattern.rawValue) {
            order.append(entry.scenario.pattern.rawValue)
        }
        if !only.isEmpty { order = order.filter(only.contains) }
        let entries = catalog.entries.filter { $0.scenario.references.isEmpty } + catalog.entries.filter { !$0.scenario.references.isEmpty }
        return order.compactMap { pattern in
            for entry in entries where entry.scenario.pattern.rawValue == pattern {
                let variants = entry.scenario.variants
                let pairs = VariantPairing.pairs(variants.map { ($0.name, $0.role) })
                if let pair = pairs.first(where: { $0.fixed != nil }),
                    let leaky = entry.scenario.variant(named: pair.leaky), let fixed = pair.fixed.flatMap(entry.scenario.variant(named:))
                {
                    return Stop(pattern: pattern, entry: entry, leaky: leaky, fixed: fixed)
                }
            }
            return nil
        }
    }

    /// What the tour measured: each stop with its leaky and fixed runs, or why they could not run.
    public struct Result {
        public var stop: Stop
        public var outcome: Swift.Result<(leaky: RunRecord, fixed: RunRecord), RunnerError>
    }

    /// Runs each stop's leaky and fixed variants (`jobs` at a time, thread cache off), each judged by
    /// every built-in detector.
    public static func run(_ stops: [Stop], iterations: Int?, warmUp: Int?, jobs: Int, quiet: Bool) -> [Result] {
        let plans = stops.flatMap { stop in
            [stop.leaky, stop.fixed].map { variant in
                RunPlan(
                    entry: stop.entry, variant: variant, warmUpIterations: warmUp,
                    workloadIterations: iterations, mallocConf: AllocatorConfiguration.exactJemallocConf)
            }
        }
        let progress = MatrixProgress(total: plans.count, label: "tour", quiet: quiet)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(
            plans, finishing: { $0.judged(by: DetectorRegistry.builtIns) }
        ) { index, _ in
            progress.step("\(plans[index].entry.scenario.id)/\(plans[index].variant.name)")
        }
        progress.finish()
        return stops.enumerated().map { index, stop in
            switch (results[2 * index], results[2 * index + 1]) {
            case (.success(let leaky), .success(let fixed)): Result(stop: stop, outcome: .success((leaky, fixed)))
            case (.failure(let error), _), (_, .failure(let error)): Result(stop: stop, outcome: .failure(error))
            }
        }
    }

    /// What the pair's curves show: allocated bytes (RSS without them), or open fds or threads
    /// when that is all the leaky variant leaks.
    public static func curveMetric(_ leaky: RunRecord) -> Metric {
        let rate = leaky.truth.perIteration
        if rate.bytes == 0 && rate.objects == 0 {
            if rate.fds > 0 { return .fds }
            if rate.threads > 0 { return .threads }
        }
        return leaky.samples.contains { $0.allocated != nil } ? .allocated : .rss
    }
}
