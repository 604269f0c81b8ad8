import Foundation
import LeakLabModel

/// One difference between a result and its baseline.
public struct BaselineChange: Codable, Sendable, Equatable, CustomStringConvertible {
    public var detector: String
    /// `overall`, `pattern PATTERN`, or `run scenario/variant/allocator`.
    public var scope: String
    /// `precision`, `recall`, `f1` or `verdict`.
    public var measure: String
    /// The value in the baseline and now, as printed: `0.917`, `correct`, `wrong`.
    public var was: String
    public var now: String

    public var description: String { "\(detector) \(scope) \(measure): \(was) → \(now)" }
}

/// What ``Baseline/compare(current:baseline:tolerance:)`` found.
public struct BaselineComparison: Codable, Sendable, Equatable {
    /// A score dropped by more than the tolerance, or a verdict that was right is now wrong or failed.
    public var regressions: [BaselineChange]
    /// A score rose by more than the tolerance, or a verdict that was wrong is now right.
    public var improvements: [BaselineChange]
    /// What could not be compared: detectors, patterns or runs on one side only, scores undefined
    /// on one side.
    public var unmatched: [String]
    /// Verdicts that turned wrong once but were right again when the gate re-ran their run, or
    /// that the baseline knows to flip: not regressions. Absent when nothing was confirmed.
    public var flaky: [FlakyCell]?

    /// No regressions.
    public var passed: Bool { regressions.isEmpty }
}

extension Baseline {
    /// Compares `current` with `baseline`. Precision, recall and F1 — overall and per pattern —
    /// regress when they drop by more than `tolerance` (absolute, 0.02 = two points); a run key
    /// whose verdict was correct regresses when it is now wrong or failed. Only what both sides
    /// have is compared; the rest is listed in ``BaselineComparison/unmatched``.
    public static func compare(current: Baseline, baseline: Baseline, tolerance: Double = 0) -> BaselineComparison {
        var result = BaselineComparison(regressions: [], improvements: [], unmatched: [])
        for name in baseline.detectors.keys.sorted() {
            let was = baseline.detectors[name]!
            guard let now = current.detectors[name] else {
                result.unmatched.append("detector \(name) is in the baseline but was not run")
                continue
            }
            compareMetrics(name, "overall", was.overall, now.overall, tolerance, &result)
            for pattern in was.byPattern.keys.sorted() {
                guard let nowPattern = now.byPattern[pattern] else {
                    result.unmatched.append("\(name): pattern \(pattern) is in the baseline but was not run")
                    continue
                }
                compareMetrics(name, "pattern \(pattern)", was.byPattern[pattern]!, nowPattern, tolerance, &result)
            }
            for key in was.runs.keys.sorted() {
                guard let nowRun = now.runs[key] else {
                    result.unmatched.append("\(name): run \(key) is in the baseline but was not run")
                    continue
                }
                let wasRun = was.runs[key]!
                let change = BaselineChange(detector: name, scope: "run \(key)", measure: "verdict", was: wasRun.rawValue, now: nowRun.rawValue)
                if wasRun == .correct && nowRun != .correct { result.regressions.append(change) }
                if wasRun != .correct && nowRun == .correct { result.improvements.append(change) }
            }
            for key in now.runs.keys.sorted() where was.runs[key] == nil {
                result.unmatched.append("\(name): run \(key) is new (not in the baseline)")
            }
        }
        for name in current.detectors.keys.sorted() where baseline.detectors[name] == nil {
            result.unmatched.append("detector \(name) is new (not in the baseline)")
        }
        return result
    }

    private static func compareMetrics(
        _ detector: String, _ scope: String, _ was: DetectorMetrics, _ now: DetectorMetrics,
        _ tolerance: Double, _ result: inout BaselineComparison
    ) {
        let measures: [(String, Double?, Double?)] = [
            ("precision", was.precision, now.precision), ("recall", was.recall, now.recall), ("f1", was.f1, now.f1),
        ]
        for (measure, old, new) in measures {
            switch (old, new) {
            case let (old?, new?):
                let change = BaselineChange(
                    detector: detector, scope: scope, measure: measure, was: format(old), now: format(new))
                if old - new > tolerance { result.regressions.append(change) }
                if new - old > tolerance { result.improvements.append(change) }
            case (nil, nil):
                break
            case let (old, new):
                result.unmatched.append(
                    "\(detector) \(scope) \(measure): \(old.map(format) ?? "undefined") → \(new.map(format) ?? "undefined")")
            }
        }
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
