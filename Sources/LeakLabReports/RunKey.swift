import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// The names runs are known by in progress lines, journals, shards and merges: one place, so a
/// plan's key before it runs equals its record's key after.
public enum RunKey {
    /// `scenario/variant`.
    public static func variant(_ plan: RunPlan) -> String {
        "\(plan.entry.scenario.id)/\(plan.variant.name)"
    }

    /// `scenario/variant/allocator/seed=S` (seed 42 when the plan sets none): one cell of the
    /// validate matrix; equal to ``RunRecord/matrixKey`` of the run it yields.
    public static func matrix(_ plan: RunPlan) -> String {
        "\(variant(plan))/\(plan.allocator.rawValue)/seed=\(plan.parameterOverrides["seed"] ?? "42")"
    }

    /// ``RunRecord/matrixKey``, for symmetry with ``matrix(_:)-(RunPlan)``.
    public static func matrix(_ record: RunRecord) -> String { record.matrixKey }

    /// `scenario/variant/it=N/k=v,…` with every resolved parameter: a cell of `power`'s sweep,
    /// whose cells differ in iterations and parameters rather than allocator.
    public static func sweep(_ plan: RunPlan) -> String {
        guard let request = try? plan.request() else { return variant(plan) }
        return "\(request.scenario)/\(request.variant)/it=\(request.workloadIterations)/" + parameterText(request.parameters)
    }

    /// The same key, from a journaled record.
    public static func sweep(_ record: RunRecord) -> String {
        "\(record.scenario)/\(record.variant)/it=\(record.workloadIterations)/" + parameterText(record.parameters)
    }

    /// `k=v,…` sorted by name.
    public static func parameterText(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
