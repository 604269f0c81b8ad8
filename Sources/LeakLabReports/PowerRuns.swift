import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// Runs `power`'s plans `jobs` at a time, each judged by the trace detectors as it finishes and
/// journaled to `JSON.journal.jsonl`; with `resume`, runs already journaled are taken from the
/// journal (and judged again when the detectors differ). Keyed by ``RunKey/sweep(_:)-(RunPlan)``.
public struct PowerRuns {
    public var json: String?
    public var resume: Bool
    public var jobs: Int
    public var quiet: Bool

    public init(json: String?, resume: Bool, jobs: Int, quiet: Bool) {
        self.json = json
        self.resume = resume
        self.jobs = jobs
        self.quiet = quiet
    }

    public func run(_ plans: [RunPlan], detectors: [any LeakDetector]) throws -> [Result<RunRecord, RunnerError>] {
        let journalPath = json.map { $0 + ".journal.jsonl" }
        var journaled: [String: RunRecord] = [:]
        if resume, let journalPath {
            let wanted = Set(plans.map(RunKey.sweep))
            for record in try RunJournal.read(path: journalPath).records where wanted.contains(RunKey.sweep(record)) {
                journaled[RunKey.sweep(record)] = record
            }
            if !quiet { Terminal.progress("resuming from \(journalPath): \(journaled.count) of \(plans.count) runs already done\n") }
        }
        return try JournaledMatrix.run(
            plans, journaled: journaled, key: RunKey.sweep, journalPath: journalPath, resume: resume,
            detectors: detectors, jobs: jobs, label: "power", quiet: quiet)
    }
}
