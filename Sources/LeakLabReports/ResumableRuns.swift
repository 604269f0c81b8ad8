import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// The runs of a matrix command (`validate`, `power`): run `jobs` at a time, each judged by the
/// trace detectors as it finishes and journaled to the `--json` file's `.journal.jsonl`; with
/// `resume`, runs already journaled are taken from the journal (and judged again when the
/// detectors differ). SIGINT/SIGTERM kill the children, keep the journal and print how to resume.
public struct ResumableRuns {
    /// Which command's matrix: how its runs are keyed in the journal and named in progress lines.
    public enum Matrix: Sendable {
        /// `validate`: cells differ in variant, allocator and seed (``RunKey/matrix(_:)-(RunPlan)``).
        case validate
        /// `power`: cells differ in iterations and parameters (``RunKey/sweep(_:)-(RunPlan)``).
        case power

        var label: String {
            switch self {
            case .validate: "validate"
            case .power: "power"
            }
        }

        func key(_ plan: RunPlan) -> String {
            switch self {
            case .validate: RunKey.matrix(plan)
            case .power: RunKey.sweep(plan)
            }
        }

        func key(_ record: RunRecord) -> String {
            switch self {
            case .validate: RunKey.matrix(record)
            case .power: RunKey.sweep(record)
            }
        }
    }

    public var matrix: Matrix
    public var json: String?
    public var resume: Bool
    public var jobs: Int
    public var quiet: Bool

    public init(_ matrix: Matrix, json: String?, resume: Bool, jobs: Int, quiet: Bool) {
        self.matrix = matrix
        self.json = json
        self.resume = resume
        self.jobs = jobs
        self.quiet = quiet
    }

    /// Runs the plans that are not already journaled. Returns a result for every plan, in plan
    /// order: journaled runs are taken from the journal.
    /// - Throws: when the journal cannot be read or written.
    public func run(_ plans: [RunPlan], detectors: [any LeakDetector]) throws -> [Result<RunRecord, RunnerError>] {
        // A report written through a device or FIFO (`--json /dev/stdout`) has no journal beside it.
        let journalPath = json.flatMap { ReportFile.isWrittenThrough($0) ? nil : ReportFile.target(of: $0) + ".journal.jsonl" }
        var journaled: [String: RunRecord] = [:]
        if resume, let journalPath {
            let contents = try RunJournal.read(path: journalPath)
            let wanted = Set(plans.map(matrix.key))
            for record in contents.records where wanted.contains(matrix.key(record)) {
                journaled[matrix.key(record)] = record
            }
            if !quiet {
                var note = "resuming from \(journalPath): \(journaled.count) of \(plans.count) runs already done"
                if !contents.unreadableLines.isEmpty {
                    note +=
                        "; skipped unreadable line(s) \(contents.unreadableLines.map(String.init).joined(separator: ", ")) (a run cut short by the interruption is run again)"
                }
                let foreign = contents.records.count - contents.records.filter { wanted.contains(matrix.key($0)) }.count
                if foreign > 0 { note += "; \(foreign) journaled run(s) are not in this matrix and are left out" }
                Terminal.progress(note + "\n")
            }
        }
        if !quiet, case .unavailable = RunCgroupSupport.support { Terminal.progress("note: \(RunCgroupSupport.summary)\n") }
        return try JournaledMatrix.run(
            plans, journaled: journaled, key: matrix.key, journalPath: journalPath, resume: resume,
            detectors: detectors, jobs: jobs, label: matrix.label, quiet: quiet)
    }
}
