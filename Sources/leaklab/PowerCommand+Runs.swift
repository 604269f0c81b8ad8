import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// Runs `power`'s plans `jobs` at a time, each judged by the trace detectors as it finishes and
/// journaled to `JSON.journal.jsonl`; with `resume`, runs already journaled are taken from the
/// journal (and judged again when the detectors differ). Like `validate`'s (RunJournal), keyed by
/// scenario, variant, iterations and every parameter, since the sweep's cells differ in those.
struct PowerRuns {
    var json: String?
    var resume: Bool
    var jobs: Int
    var quiet: Bool

    /// The key of a plan: `scenario/variant/it=N/k=v,…` with every resolved parameter.
    static func key(_ plan: RunPlan) -> String {
        guard let request = try? plan.request() else { return "\(plan.entry.scenario.id)/\(plan.variant.name)" }
        return "\(request.scenario)/\(request.variant)/it=\(request.workloadIterations)/" + parameterText(request.parameters)
    }

    /// The same key, from a journaled record.
    static func key(_ record: RunRecord) -> String {
        "\(record.scenario)/\(record.variant)/it=\(record.workloadIterations)/" + parameterText(record.parameters)
    }

    static func parameterText(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    func run(_ plans: [RunPlan], detectors: [any LeakDetector]) throws -> [Result<RunRecord, RunnerError>] {
        let journalPath = json.map { $0 + ".journal.jsonl" }
        var journaled: [String: RunRecord] = [:]
        if resume, let journalPath {
            let wanted = Set(plans.map(Self.key))
            for record in try RunJournal.read(path: journalPath).records where wanted.contains(Self.key(record)) {
                journaled[Self.key(record)] = record
            }
            if !quiet { Terminal.progress("resuming from \(journalPath): \(journaled.count) of \(plans.count) runs already done\n") }
        }
        return try JournaledMatrix.run(
            plans, journaled: journaled, key: Self.key, journalPath: journalPath, resume: resume,
            detectors: detectors, jobs: jobs, label: "power", quiet: quiet)
    }
}
