import LeakLabKit
import LeakLabModel

/// How one verdict compares with the truth. `leak` truth is the positive class; `bounded`
/// (decoys) and `clean` are negatives. A failed detector (leak `nil`) is neither right nor wrong.
public enum VerdictOutcome: String, Codable, Sendable, CaseIterable {
    case truePositive = "tp"
    case falsePositive = "fp"
    case falseNegative = "fn"
    case trueNegative = "tn"
    case failed

    public init(verdict: DetectorVerdict, truth: GroundTruth) {
        switch (verdict.leak, truth.verdict.isLeak) {
        case (nil, _): self = .failed
        case (true?, true): self = .truePositive
        case (true?, false): self = .falsePositive
        case (false?, true): self = .falseNegative
        case (false?, false): self = .trueNegative
        }
    }

    /// TP or TN.
    public var isCorrect: Bool { self == .truePositive || self == .trueNegative }
}
