import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

extension AllocatorComparison {
    /// One planned run of the comparison: the plan and the configuration row it belongs to.
    public struct Plan: Sendable {
        public var plan: RunPlan
        public var configuration: AllocatorConfiguration
    }

    /// Settle samples per run: fine enough to time when RSS stops falling (settle-ms ÷ this).
    public static let settleSamples = 15

    /// Every selected variant under every configuration, `repeats` seeds each (42, 43, … when more
    /// than one and `parameters` sets no seed).
    /// - Throws: `RunnerError` for a bad parameter, before any child starts.
    public static func plans(
        _ selections: [(PluginCatalog.Entry, [LeakLabKit.Variant])], configurations: [AllocatorConfiguration],
        warmUpIterations: Int? = nil, iterations: Int?, parameters overrides: [String: String], repeats: Int, budgets: Budgets, settleMillis: Int
    ) throws -> [Plan] {
        var plans: [Plan] = []
        for (entry, variants) in selections {
            for variant in variants {
                for configuration in configurations {
                    for index in 0..<repeats {
                        var parameters = overrides
                        if repeats > 1, parameters["seed"] == nil { parameters["seed"] = String(42 + index) }
                        var plan = RunPlan(
                            entry: entry, variant: variant, allocator: configuration.allocator,
                            warmUpIterations: warmUpIterations, workloadIterations: iterations,
                            parameterOverrides: parameters, budgets: budgets, mallocConf: configuration.mallocConf,
                            settleMillis: settleMillis, allocatorOptions: configuration.options)
                        plan.settleSamples = settleSamples
                        _ = try plan.request()  // a bad parameter stops us before any child starts
                        plans.append(Plan(plan: plan, configuration: configuration))
                    }
                }
            }
        }
        return plans
    }

    /// Runs the plans `jobs` at a time, each judged by every built-in detector, and compares them;
    /// then runs once more, at ``longerRunFactor`` × N, each exact row of a clean variant whose
    /// growth was above its tolerance (``ConfigurationRow/longerRunIterations``).
    public static func run(_ plans: [Plan], configurations: [AllocatorConfiguration], jobs: Int, quiet: Bool) -> AllocatorComparison {
        let (runs, errors) = execute(plans, jobs: jobs, label: "compare-allocators", quiet: quiet)
        let first = AllocatorComparison(configurations: configurations, runs: runs, errors: errors)
        let longer = longerPlans(for: first, plans: plans)
        guard !longer.isEmpty else { return first }
        let (confirmations, more) = execute(longer, jobs: jobs, label: "compare-allocators, \(longerRunFactor)N", quiet: quiet)
        return AllocatorComparison(configurations: configurations, runs: runs, errors: errors + more, confirmations: confirmations)
    }

    /// One plan at ``longerRunFactor`` × N for every exact row of a clean variant whose allocated
    /// growth failed its check: the first seed's plan, longer.
    static func longerPlans(for comparison: AllocatorComparison, plans: [Plan]) -> [Plan] {
        var longer: [Plan] = []
        for variant in comparison.variants where variant.truth.verdict == .clean {
            for row in variant.rows where row.exactCounts && row.allocatedCheck?.withinTolerance == false {
                guard
                    var planned = plans.first(where: {
                        RunKey.variant($0.plan) == "\(variant.scenario)/\(variant.variant)" && $0.configuration.name == row.configuration
                    }),
                    let record = comparison.runs.first(where: { $0.key == "\(variant.scenario)/\(variant.variant)" && $0.configuration == row.configuration })
                else { continue }
                planned.plan.workloadIterations = record.workloadIterations * longerRunFactor
                longer.append(planned)
            }
        }
        return longer
    }

    /// Runs `plans`, each judged by every built-in detector; the records carry their configuration.
    static func execute(_ plans: [Plan], jobs: Int, label: String, quiet: Bool) -> (runs: [RunRecord], errors: [String]) {
        let detectors = DetectorRegistry.builtIns
        let progress = MatrixProgress(total: plans.count, label: label, quiet: quiet)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(
            plans.map(\.plan), finishing: { $0.judged(by: detectors) }
        ) { index, result in
            var note = "\(RunKey.variant(plans[index].plan)) [\(plans[index].configuration.name)]"
            if case .success(let record) = result, record.allocator.active != record.allocator.requested {
                note += " ALLOCATOR MISMATCH: \(record.allocator.active?.rawValue ?? "unknown") served malloc"
            }
            progress.step(note)
        }
        progress.finish()

        var runs: [RunRecord] = []
        var errors: [String] = []
        for (planned, result) in zip(plans, results) {
            switch result {
            case .success(var record):
                record.configuration = planned.configuration.name
                runs.append(record)
            case .failure(let error): errors.append("\(RunKey.variant(planned.plan)) [\(planned.configuration.name)]: \(error)")
            }
        }
        return (runs, errors)
    }
}

extension HTMLReport {
    /// `compare-allocators --html`: the comparison's sections on a page of their own.
    public static func allocatorComparisonPage(_ comparison: AllocatorComparison) -> String {
        page(
            title: "LeakLab: allocators compared",
            subtitle: "\(comparison.configurations.map(\.name).joined(separator: ", ")) — \(comparison.runs.count) runs",
            sections: allocatorComparisonSections(comparison))
    }
}
