import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// `validate`'s regression gate and its defence against flaky verdicts (README, "The regression gate"):
/// `--update-baseline` runs every cell `--baseline-samples` times and keeps the majority verdict and
/// each cell's flip rate; `--baseline` re-runs each cell whose verdict turned wrong, up to
/// `--confirm-runs` runs in all, and fails only on a cell that stays wrong in every run and is not
/// known to flip.
public struct BaselineGate {
    /// Children run at once.
    public var jobs: Int
    /// No progress on stderr.
    public var quiet: Bool
    /// Runs of each cell when writing a baseline.
    public var baselineSamples: Int
    /// Runs of a cell whose verdict turned wrong, the first included, before it is a regression.
    public var confirmRuns: Int
    /// How far precision, recall or F1 may drop before it counts as a regression.
    public var baselineTolerance: Double

    public init(jobs: Int, quiet: Bool, baselineSamples: Int, confirmRuns: Int, baselineTolerance: Double) {
        self.jobs = jobs
        self.quiet = quiet
        self.baselineSamples = baselineSamples
        self.confirmRuns = confirmRuns
        self.baselineTolerance = baselineTolerance
    }

    /// Runs each plan once more, `jobs` at a time, judged by `detectors`; nil where the run could
    /// not start.
    public func rerun(_ plans: [RunPlan], detectors: [any LeakDetector]) -> [RunRecord?] {
        guard !plans.isEmpty else { return [] }
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans, finishing: { $0.judged(by: detectors) }) { _, _ in }
        return results.map { try? $0.get() }
    }

    /// The baseline to write: each plan run `baselineSamples` times in all (`runs` holds the first
    /// run of each, by plan index); verdicts by majority, scores from them, flip rates kept.
    public func measuredBaseline(
        plans: [RunPlan], runs: [Int: RunRecord], detectors: [any LeakDetector], names: [String]
    ) -> Baseline {
        let indices = runs.keys.sorted()
        var samples: [Int: [RunRecord]] = Dictionary(uniqueKeysWithValues: indices.map { ($0, [runs[$0]!]) })
        if baselineSamples > 1, !quiet {
            Terminal.progress("baseline: running each of \(indices.count) cells \(baselineSamples - 1) more time(s) to measure flaky verdicts\n")
        }
        for _ in 1..<max(1, baselineSamples) {
            let again = rerun(indices.map { plans[$0] }, detectors: detectors)
            for (index, record) in zip(indices, again) { if let record { samples[index]!.append(record) } }
        }
        let folded = indices.map { MajorityVerdicts.fold(samples[$0]!) }
        return Baseline(scores: Scoring.score(folded, detectors: names), runs: folded)
            .withFlipRates(from: indices.map { samples[$0]! })
    }

    /// Compares with `previous` after confirming every verdict that turned wrong (see the type's
    /// comment). Cells right again in a re-run, and known-flaky cells, are reported as flaky and
    /// scored as in the baseline; only the rest can regress.
    public func confirmedComparison(
        previous: Baseline, plans: [RunPlan], runs: [Int: RunRecord], detectors: [any LeakDetector], names: [String]
    ) -> BaselineComparison {
        let indices = runs.keys.sorted()
        var scored = runs
        let ordered = indices.map { runs[$0]! }
        // Cells are found on the ordered list; map their positions back to plan indices. Only the
        // trace detectors judge a re-run: a tool detector's verdict is not confirmed (it stands).
        let judged = Set(detectors.map(\.name))
        var pending = Baseline.cellsToConfirm(runs: ordered, baseline: previous)
            .filter { judged.contains($0.detector) }
            .map { BaselineCell(detector: $0.detector, plan: indices[$0.plan]) }
        var tries: [BaselineCell: Int] = Dictionary(uniqueKeysWithValues: pending.map { ($0, 1) })
        var rightAgain = Set<BaselineCell>()
        if !pending.isEmpty, confirmRuns > 1, !quiet {
            Terminal.progress("baseline: \(pending.count) verdict(s) turned wrong; re-running their cells to confirm\n")
        }
        for _ in 1..<max(1, confirmRuns) where !pending.isEmpty {
            let targets = Set(pending.map(\.plan)).sorted()
            let again = rerun(targets.map { plans[$0] }, detectors: detectors)
            for (index, record) in zip(targets, again) {
                guard let record else { continue }
                for cell in pending where cell.plan == index {
                    tries[cell, default: 1] += 1
                    guard let verdict = record.verdict(of: cell.detector),
                        Baseline.correctness(of: verdict, in: record) == .correct,
                        let position = scored[index]!.verdicts.firstIndex(where: { $0.detector == cell.detector })
                    else { continue }
                    scored[index]!.verdicts[position] = verdict
                    rightAgain.insert(cell)
                }
            }
            pending.removeAll { rightAgain.contains($0) }
        }

        var flaky: [FlakyCell] = []
        for cell in tries.keys.sorted(by: { ($0.detector, $0.plan) < ($1.detector, $1.plan) }) {
            let record = scored[cell.plan]!
            let known = previous.flipRate(detector: cell.detector, key: record.repeatKey)
            let isRightAgain = rightAgain.contains(cell)
            guard isRightAgain || known > 0 else { continue }  // wrong every time, never flipped before: a regression
            if !isRightAgain, let position = record.verdicts.firstIndex(where: { $0.detector == cell.detector }) {
                // Known to flip and wrong in every run here: scored as in the baseline, and said so.
                var verdict = record.verdicts[position]
                verdict.leak = record.truth.verdict.isLeak
                verdict.failure = nil
                verdict.note = "scored as in the baseline: a known flaky verdict, wrong in all \(tries[cell]!) runs here (\(verdict.note ?? "no note"))"
                scored[cell.plan]!.verdicts[position] = verdict
            }
            flaky.append(
                FlakyCell(
                    detector: cell.detector, run: record.repeatKey, runs: tries[cell]!, rightRuns: isRightAgain ? 1 : 0,
                    baselineFlipRate: known > 0 ? known : nil))
        }
        let records = indices.map { scored[$0]! }
        let current = Baseline(scores: Scoring.score(records, detectors: names), runs: records)
        var comparison = Baseline.compare(current: current, baseline: previous, tolerance: baselineTolerance)
        comparison.flaky = flaky
        return comparison
    }
}
