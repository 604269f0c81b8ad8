import LeakLabModel

/// One detector's verdict on one run of the matrix (a plan), as the regression gate confirms it.
public struct BaselineCell: Hashable, Sendable {
    public var detector: String
    /// The plan's index in the matrix.
    public var plan: Int

    public init(detector: String, plan: Int) {
        self.detector = detector
        self.plan = plan
    }
}

/// A verdict that was right in the baseline, read wrong once, and was right again in at least one
/// confirming run — or that the baseline already knew to flip. Reported, never failed on.
public struct FlakyCell: Codable, Sendable, Equatable, CustomStringConvertible {
    public var detector: String
    /// `scenario/variant/allocator`.
    public var run: String
    /// Runs of the cell (the first included) and how many of them were right.
    public var runs: Int
    public var rightRuns: Int
    /// The flip rate the baseline recorded for the cell, if any.
    public var baselineFlipRate: Double?

    public init(detector: String, run: String, runs: Int, rightRuns: Int, baselineFlipRate: Double?) {
        self.detector = detector
        self.run = run
        self.runs = runs
        self.rightRuns = rightRuns
        self.baselineFlipRate = baselineFlipRate
    }

    public var description: String {
        "\(detector) run \(run): right in \(rightRuns) of \(runs) runs" + (baselineFlipRate.map { String(format: " (baseline flip rate %.2f)", $0) } ?? "")
    }
}

extension Baseline {
    /// Whether `verdict` is right, wrong or failed against `run`'s truth.
    public static func correctness(of verdict: DetectorVerdict, in run: RunRecord) -> RunCorrectness {
        let outcome = VerdictOutcome(verdict: verdict, truth: run.truth)
        return outcome == .failed ? .failed : outcome.isCorrect ? .correct : .wrong
    }

    /// The flip rate the baseline holds for `detector` on `key`, or 0.
    public func flipRate(detector: String, key: String) -> Double {
        detectors[detector]?.flipRates?[key] ?? 0
    }

    /// The cells to confirm: each detector's verdict on each run that is not right now while the
    /// baseline has that run key right.
    public static func cellsToConfirm(runs: [RunRecord], baseline: Baseline) -> [BaselineCell] {
        var cells: [BaselineCell] = []
        for (index, run) in runs.enumerated() {
            for verdict in run.verdicts {
                guard baseline.detectors[verdict.detector]?.runs[run.repeatKey] == .correct else { continue }
                if correctness(of: verdict, in: run) != .correct {
                    cells.append(BaselineCell(detector: verdict.detector, plan: index))
                }
            }
        }
        return cells
    }

    /// The same baseline with each detector's flip rates measured from `samples` (per plan, every
    /// run of it, judged): per run key, the largest share of a plan's runs that disagreed with the
    /// majority of that plan's runs.
    public func withFlipRates(from samples: [[RunRecord]]) -> Baseline {
        var result = self
        for (name, entry) in detectors {
            var rates: [String: Double] = [:]
            for runs in samples {
                guard let first = runs.first else { continue }
                let right = runs.filter { $0.verdict(of: name).map { Baseline.correctness(of: $0, in: first) == .correct } ?? false }.count
                let minority = min(right, runs.count - right)
                if minority > 0 {
                    rates[first.repeatKey] = max(rates[first.repeatKey] ?? 0, Double(minority) / Double(runs.count))
                }
            }
            var updated = entry
            updated.flipRates = rates.isEmpty ? nil : rates
            result.detectors[name] = updated
        }
        return result
    }
}

/// Several runs of each plan, folded into one record per plan by majority.
public enum MajorityVerdicts {
    /// The first run of `runs` with each detector's verdict replaced, where the majority of the
    /// runs disagrees with it, by the first verdict that agrees with the majority (right vs not
    /// right; a tie keeps the first run's).
    public static func fold(_ runs: [RunRecord]) -> RunRecord {
        guard var record = runs.first else { preconditionFailure("no runs to fold") }
        for (position, verdict) in record.verdicts.enumerated() {
            let all = runs.compactMap { $0.verdict(of: verdict.detector) }
            let right = all.filter { Baseline.correctness(of: $0, in: record) == .correct }
            let wrong = all.filter { Baseline.correctness(of: $0, in: record) != .correct }
            let firstRight = Baseline.correctness(of: verdict, in: record) == .correct
            if firstRight, wrong.count > right.count, let majority = wrong.first {
                record.verdicts[position] = majority
            } else if !firstRight, right.count > wrong.count, let majority = right.first {
                record.verdicts[position] = majority
            }
        }
        return record
    }
}
