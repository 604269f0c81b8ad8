import LeakLabModel
import LeakLabRunner

/// `run --attribute`: where the bytes a leaky variant still holds at exit were allocated.
public enum Attribution {
    public static func render(_ plan: RunPlan, runner: Runner) throws -> String {
        let result = try JemallocProfile.attribute(plan, runner: runner)
        var lines = [
            "",
            "\(plan.entry.scenario.id)/\(plan.variant.name): \(Format.bytes(result.totalBytes)) still allocated at exit (jemalloc prof_leak, every allocation sampled); these bytes were allocated in:",
        ]
        if result.sites.isEmpty { lines.append("  (no function of the scenario's own code holds any)") }
        for site in result.sites {
            let perIteration = Double(site.bytes) / Double(max(1, result.workloadIterations))
            let size = Format.bytes(site.bytes)
            lines.append(
                "  \(String(repeating: " ", count: max(0, 10 - size.count)))\(size)  (\(Format.bytes(perIteration)) per workload iteration)  \(site.function)")
        }
        return lines.joined(separator: "\n")
    }
}
