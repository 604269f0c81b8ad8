import LeakLabKit
import LeakLabModel

/// How one verdict compares with the truth. `leak` truth is the positive class; `bounded`
/// (decoys) and `clean` are negatives. A failed detector (leak `nil`) is neither right nor wrong,
/// and neither is a verdict on a run that did not end as its variant declares (a crash, a
/// time-out or a budget in a variant that should complete): its trace is partial.
public enum VerdictOutcome: String, Codable, Sendable, CaseIterable {
    case truePositive = "tp"
    case falsePositive = "fp"
    case falseNegative = "fn"
    case trueNegative = "tn"
    case failed
    /// The run did not end as its variant declares; its partial trace is not scored.
    case incomplete

    /// - Parameter outcome: how the run ended (`RunOutcome` raw value); a run that did not end as
    ///   the truth's ``GroundTruth/expectedOutcome`` is ``incomplete``.
    public init(verdict: DetectorVerdict, truth: GroundTruth, outcome: String = "completed") {
        if outcome != truth.expectedOutcome.rawValue {
            self = .incomplete
            return
        }
        switch (verdict.leak, truth.verdict.isLeak) {
        case (nil, _): self = .failed
        case (true?, true): self = .truePositive
        case (true?, false): self = .falsePositive
        case (false?, true): self = .falseNegative
        case (false?, false): self = .trueNegative
        }
    }

    /// How `verdict` compares with `run`'s truth, given how the run ended.
    public init(verdict: DetectorVerdict, run: RunRecord) {
        self.init(verdict: verdict, truth: run.truth, outcome: run.outcome.rawValue)
    }

    /// TP or TN.
    public var isCorrect: Bool { self == .truePositive || self == .trueNegative }
}
