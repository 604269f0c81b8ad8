import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// The tool detectors' pass over a campaign: each finished plan again under each tool, `jobs` at
/// a time, and the tools' overhead (tool wall time ÷ plain wall time) summarised.
public enum ToolPass {
    public static func run(
        _ tools: [ToolDetector], plans: [RunPlan], results: [Result<RunRecord, RunnerError>], jobs: Int, quiet: Bool
    ) -> [Result<RunRecord, RunnerError>] {
        let progress = MatrixProgress(total: plans.count, label: tools.map(\.name).joined(separator: "+"), quiet: quiet)
        let updated = WorkerPool.map(
            plans.count, jobs: jobs,
            work: { index -> Result<RunRecord, RunnerError> in
                guard case .success(var record) = results[index] else { return results[index] }
                record.verdicts += tools.map { $0.evaluate(plan: plans[index], plain: record) }
                return .success(record)
            },
            onFinished: { index, _ in
                if case .success = results[index] { progress.step(RunKey.matrix(plans[index])) }
            })
        progress.finish()
        return updated
    }

    public static func overheadLine(_ tool: String, runs: [RunRecord]) -> String {
        let ratios = runs.compactMap { $0.verdict(of: tool)?.overhead }.sorted()
        let failed = runs.filter { $0.verdict(of: tool)?.failure != nil }.count
        guard let first = ratios.first, let last = ratios.last else { return "\(tool): no overhead measured (\(failed) failed)" }
        return "\(tool): overhead "
            + String(format: "%.1fx median (%.1fx to %.1fx) over %d runs; %d failed", ratios[ratios.count / 2], first, last, ratios.count, failed)
    }
}
