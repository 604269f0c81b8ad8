import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// `validate`'s runs: journaled to the `--json` file's `.journal.jsonl` as they finish, and with
/// `resume`, taken from that journal when already there (keyed by ``RunKey/matrix(_:)-(RunPlan)``).
public struct ValidateRuns {
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

    /// Runs the plans that are not already journaled, journaling each as it finishes, with
    /// SIGINT/SIGTERM handled (children killed, journal kept, how to resume printed). Returns a
    /// result for every plan, in plan order: journaled runs are taken from the journal.
    public func run(_ plans: [RunPlan], detectors: [any LeakDetector]) throws -> [Result<RunRecord, RunnerError>] {
        let journalPath = json.map { $0 + ".journal.jsonl" }
        var journaled: [String: RunRecord] = [:]
        if resume, let journalPath {
            let contents = try RunJournal.read(path: journalPath)
            let wanted = Set(plans.map(RunKey.matrix))
            for record in contents.records where wanted.contains(record.matrixKey) {
                journaled[record.matrixKey] = record
            }
            if !quiet {
                var note = "resuming from \(journalPath): \(journaled.count) of \(plans.count) runs already done"
                if !contents.unreadableLines.isEmpty {
                    note += "; skipped unreadable line(s) \(contents.unreadableLines.map(String.init).joined(separator: ", ")) (a run cut short by the interruption is run again)"
                }
                let foreign = contents.records.count - contents.records.filter { wanted.contains($0.matrixKey) }.count
                if foreign > 0 { note += "; \(foreign) journaled run(s) are not in this matrix and are left out" }
                Terminal.progress(note + "\n")
            }
        }
        if !quiet, case .unavailable = RunCgroupSupport.support { Terminal.progress("note: \(RunCgroupSupport.summary)\n") }
        return try JournaledMatrix.run(
            plans, journaled: journaled, key: RunKey.matrix, journalPath: journalPath, resume: resume,
            detectors: detectors, jobs: jobs, label: "validate", quiet: quiet)
    }
}
