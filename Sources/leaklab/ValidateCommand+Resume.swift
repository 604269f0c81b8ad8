import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

extension ValidateCommand {
    /// Runs the plans that are not already journaled, journaling each as it finishes, with
    /// SIGINT/SIGTERM handled (children killed, journal kept, how to resume printed). Returns a
    /// result for every plan, in plan order: journaled runs are taken from the journal.
    func runJournaled(_ plans: [RunPlan], detectors: [any LeakDetector]) throws -> [Result<RunRecord, RunnerError>] {
        let journalPath = json.map { $0 + ".journal.jsonl" }
        var journaled: [String: RunRecord] = [:]
        if resume, let journalPath {
            let contents = try RunJournal.read(path: journalPath)
            let wanted = Set(plans.map(ValidateMatrix.key))
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
        let kept = plans.compactMap { journaled[ValidateMatrix.key($0)] }
        let journal = try journalPath.map { try RunJournal(path: $0, keeping: resume ? kept : []) }
        if !quiet, case .unavailable = RunCgroupSupport.support { Terminal.progress("note: \(RunCgroupSupport.summary)\n") }

        let pending = plans.filter { journaled[ValidateMatrix.key($0)] == nil }
        Interruption.install { _ in
            guard let journal else {
                return "no --json given, so nothing was journaled; run again with --json FILE to be able to resume"
            }
            let count = journal.seal()
            return "\(count) of \(plans.count) runs are in the journal \(journal.path).\nResume with:\n  \(Interruption.commandLine(adding: "--resume"))"
        }

        let progress = MatrixProgress(total: pending.count, label: "validate", quiet: quiet)
        let fresh = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(pending, finishing: { record in
            var judged = record
            judged.verdicts = DetectorRegistry.evaluate(detectors, on: record.trace)
            return judged
        }) { index, result in
            if case .success(let record) = result { journal?.append(record) }
            progress.step(ValidateMatrix.key(pending[index]))
        }
        progress.finish()

        // Journaled runs keep their verdicts when the same detectors judged them; otherwise
        // today's detectors judge their traces again.
        let names = detectors.map(\.name)
        var freshResults = fresh.makeIterator()
        return plans.map { plan in
            guard var record = journaled[ValidateMatrix.key(plan)] else { return freshResults.next()! }
            if record.verdicts.map(\.detector) != names {
                record.verdicts = DetectorRegistry.evaluate(detectors, on: record.trace)
            }
            return .success(record)
        }
    }
}
