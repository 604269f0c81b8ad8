import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// What `validate` and `power` share once they know which runs the journal already holds: run
/// the rest `jobs` at a time, each judged by the trace detectors as it finishes and appended to
/// the journal, with SIGINT/SIGTERM/SIGHUP handled (children killed, journal kept, how to resume
/// printed). Returns a result for every plan, in plan order; journaled runs keep their verdicts
/// when the same detectors judged them, otherwise today's detectors judge their traces again.
public enum JournaledMatrix {
    public static func run(
        _ plans: [RunPlan], journaled: [String: RunRecord], key: (RunPlan) -> String,
        journalPath: String?, resume: Bool, detectors: [any LeakDetector], jobs: Int, label: String, quiet: Bool
    ) throws -> [Result<RunRecord, RunnerError>] {
        let kept = plans.compactMap { journaled[key($0)] }
        let journal = try journalPath.map { try RunJournal(path: $0, keeping: resume ? kept : []) }
        let pending = plans.filter { journaled[key($0)] == nil }
        let pendingKeys = pending.map(key)
        Interruption.install { _ in
            guard let journal else {
                return "no --json given, so nothing was journaled; run again with --json FILE to be able to resume"
            }
            let count = journal.seal()
            return "\(count) of \(plans.count) runs are in the journal \(journal.path).\nResume with:\n  \(Interruption.commandLine(adding: "--resume"))"
        }

        let progress = MatrixProgress(total: pending.count, label: label, quiet: quiet)
        let fresh = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(pending, finishing: { $0.judged(by: detectors) }) { index, result in
            if case .success(let record) = result { journal?.append(record) }
            progress.step(pendingKeys[index])
        }
        progress.finish()

        let names = detectors.map(\.name)
        var freshResults = fresh.makeIterator()
        return plans.map { plan in
            guard var record = journaled[key(plan)] else { return freshResults.next()! }
            if record.verdicts.map(\.detector) != names {
                record.verdicts = DetectorRegistry.evaluate(detectors, on: record.trace)
            }
            return .success(record)
        }
    }
}
