import LeakLabKit

/// Checks one run's measurements against its variant's declared truth, as `leaklab audit` does.
///
/// - leak and clean variants: workload growth per iteration (bytes, objects, fds, threads) within
///   the declared tolerance;
/// - clean variants also return near their baseline after settle;
/// - bounded variants: `allocated`, fds and threads each plateau or fall back in settle.
/// Tasks cannot be counted from outside the runtime, so their truth is reported, not checked.
public enum TruthAudit {
    /// One check: what was measured against what was declared.
    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var measured: String
        public var declared: String
        public var passed: Bool

        public init(name: String, measured: String, declared: String, passed: Bool) {
            self.name = name
            self.measured = measured
            self.declared = declared
            self.passed = passed
        }
    }

    public static func checks(for record: RunRecord) -> [Check] {
        guard record.outcome == .completed else {
            return [Check(name: "outcome", measured: record.outcome.rawValue + (record.outcomeDetail.map { " (\($0))" } ?? ""), declared: "completed", passed: false)]
        }
        let trace = record.trace
        var checks: [Check] = []
        switch record.truth.verdict {
        case .leak, .clean:
            let growth = record.growth ?? Growth.measure(trace)
            for comparison in growth.comparison(with: record.truth) {
                checks.append(Check(
                    name: "\(comparison.metric)/iteration", measured: figure(comparison.measured),
                    declared: "\(figure(comparison.declared)) ± \(figure(comparison.tolerance))",
                    passed: comparison.withinTolerance))
            }
            if record.truth.verdict == .clean, let shape = BoundedShape.measure(trace, metric: .allocated) {
                let allowance = max(256 * 1024, 8 * Double(record.workloadIterations))
                checks.append(Check(
                    name: "back to baseline", measured: "\(figure(shape.settledGrowth)) B above",
                    declared: "≤ \(figure(allowance)) B above", passed: shape.settledGrowth <= allowance))
            }
        case .bounded:
            for metric in [Metric.allocated, .fds, .threads] {
                guard let shape = BoundedShape.measure(trace, metric: metric) else { continue }
                checks.append(Check(
                    name: "\(metric.rawValue) bounded",
                    measured: "slope \(figure(shape.earlySlope)) → \(figure(shape.lateSlope)); \(figure(shape.settledGrowth)) of \(figure(shape.workloadGrowth)) kept after settle",
                    declared: "plateaus or falls back", passed: shape.isBounded))
            }
        }
        if record.truth.perIteration.tasks != 0 {
            checks.append(Check(
                name: "tasks/iteration", measured: "not measurable", declared: figure(record.truth.perIteration.tasks), passed: true))
        }
        return checks
    }

    /// Whether a clean variant failed only on heap growth, which a longer run can confirm or clear.
    public static func needsConfirmation(_ record: RunRecord, _ checks: [Check]) -> Bool {
        record.truth.verdict == .clean && record.outcome == .completed
            && checks.contains { !$0.passed }
            && checks.filter { !$0.passed }.allSatisfy { $0.name == "bytes/iteration" || $0.name == "objects/iteration" }
    }

    /// Replaces the failed heap checks of `short` by a scaling check against `long` (the same
    /// variant with more iterations): it passes when the longer run's slope is within tolerance or
    /// at most half the shorter run's, i.e. the growth did not scale with the iterations.
    public static func confirmed(_ checks: [Check], short: RunRecord, long: RunRecord) -> [Check] {
        let shortGrowth = short.growth ?? Growth.measure(short.trace)
        let longGrowth = long.growth ?? Growth.measure(long.trace)
        return checks.map { check in
            guard !check.passed, check.name == "bytes/iteration" || check.name == "objects/iteration" else { return check }
            let isBytes = check.name == "bytes/iteration"
            let before = (isBytes ? shortGrowth.bytes : shortGrowth.objects) ?? 0
            let after = (isBytes ? longGrowth.bytes : longGrowth.objects) ?? .infinity
            let tolerance = isBytes ? short.truth.tolerance.bytes : short.truth.tolerance.objects
            let passed = long.outcome == .completed && (abs(after) <= tolerance || abs(after) <= abs(before) / 2)
            return Check(
                name: check.name + " (confirmed)",
                measured: "\(figure(before)) over \(short.workloadIterations), \(figure(after)) over \(long.workloadIterations) iterations",
                declared: "\(check.declared), or not scaling with iterations", passed: passed)
        }
    }

    static func figure(_ value: Double) -> String {
        abs(value) >= 100 ? String(Int(value.rounded())) : String(Double(Int((value * 100).rounded())) / 100)
    }
}
