import LeakLabModel
import LeakLabRunner

/// The validate matrix in its fixed order: scenario, variant, allocator, repeat (repeat r runs with
/// seed 42 + r); every cell at the same run shape (iterations, warm-up, parameters, settle).
public struct ValidateMatrix {
    public var plans: [RunPlan] = []

    public init(
        entries: [PluginCatalog.Entry], allocators: [AllocatorName], repeats: Int, budgets: Budgets,
        mallocConf: String?, allocatorOptions: [String: String] = [:],
        warmUpIterations: Int? = nil, workloadIterations: Int? = nil, parameters: [String: String] = [:], settleMillis: Int = 300
    ) {
        for entry in entries {
            for variant in entry.scenario.variants {
                for allocator in allocators {
                    for index in 0..<repeats {
                        plans.append(
                            RunPlan(
                                entry: entry, variant: variant, allocator: allocator,
                                warmUpIterations: warmUpIterations, workloadIterations: workloadIterations,
                                parameterOverrides: parameters.merging(["seed": String(42 + index)]) { $1 }, budgets: budgets,
                                mallocConf: allocator == .jemalloc ? mallocConf : nil, settleMillis: settleMillis,
                                allocatorOptions: allocatorOptions))
                    }
                }
            }
        }
    }

    /// The cells' keys, matching `RunRecord.matrixKey`.
    public var keys: [String] { plans.map(RunKey.matrix) }
}

extension ValidateMatrix {
    /// A campaign's results sorted out: the runs that finished (in plan order, and by plan index)
    /// and, for those that could not start, `key: reason`.
    public struct Outcome {
        public var runs: [RunRecord] = []
        public var byPlan: [Int: RunRecord] = [:]
        public var errors: [String] = []

        public init(plans: [RunPlan], results: [Result<RunRecord, RunnerError>]) {
            for (index, (plan, result)) in zip(plans, results).enumerated() {
                switch result {
                case .success(let record):
                    runs.append(record)
                    byPlan[index] = record
                case .failure(let error): errors.append("\(RunKey.matrix(plan)): \(error)")
                }
            }
        }
    }
}
