import LeakLabKit

/// Checks what runs of a variant measured against the truth it declares, as `leaklab audit` does.
///
/// An audit judges two runs of each variant (``Evidence``): one at the requested iterations (N)
/// and one at ``longerRunFactor`` × N with the same warm-up. Every rule below could refute a wrong
/// declaration, which `leaklab audit --mutants` checks:
///
/// - every variant ends as it declares (``GroundTruth/expectedOutcome``); a variant that declares
///   another ending than `completed` is judged on that alone;
/// - a leak's declared figures must be testable (each tolerance below its figure); its rate per
///   iteration is read after the onset, in both runs, and before the onset nothing may grow;
///   sublinear leaks must keep more at 4N than at N, at a falling rate;
/// - a clean variant grows by nothing per iteration (within its tolerance) and keeps no more at
///   4N than at N (catches √n and log n growth), and returns near its baseline in settle;
/// - a bounded variant plateaus (within its declared cap and by the declared point) or gives back
///   in settle, judged on the longer run, where a late plateau has room to show;
/// - a declared one-off cost is what stays after tear-down beyond the per-iteration leak.
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

    /// The runs an audit judges: one at N iterations and, where it was run, one at
    /// ``longerRunFactor`` × N.
    public struct Evidence: Sendable {
        public var primary: RunRecord
        public var longer: RunRecord?
        /// A second pair of runs (N, 4N), made when a clean variant seemed to keep more at 4N:
        /// the runtime's worker threads come and go with their caches (libdispatch keeps up to
        /// ~1,000 freed 64 B work items per thread), which can move what is held by tens of KiB
        /// once; growth with N shows in both pairs.
        public var confirmingPair: (primary: RunRecord, longer: RunRecord)?
        /// What memcheck saw lost per iteration (`audit --reachability`), to check the declared
        /// reachability; `nil` when it was not measured.
        public var reachability: ReachabilityGrowth?

        public init(
            primary: RunRecord, longer: RunRecord? = nil, confirmingPair: (primary: RunRecord, longer: RunRecord)? = nil,
            reachability: ReachabilityGrowth? = nil
        ) {
            self.primary = primary
            self.longer = longer
            self.confirmingPair = confirmingPair
            self.reachability = reachability
        }
    }

    /// Whether `checks` failed only where a second pair of runs could clear them: what a clean
    /// variant holds after settle at N vs 4N.
    public static func needsConfirmingPair(_ checks: [Check]) -> Bool {
        let failed = checks.filter { !$0.passed }
        return !failed.isEmpty && failed.allSatisfy { $0.name.contains(scalingCheckName) }
    }

    /// The name every N-vs-4N check of what is held carries.
    static let scalingCheckName = "held after settle, N vs"

    /// The longer run has this many times the workload iterations of the first.
    public static let longerRunFactor = 4

    /// Every check of `evidence` against its runs' declared truth, or against the truth a
    /// `mutation` makes of it.
    public static func checks(for evidence: Evidence, mutation: TruthMutation? = nil) -> [Check] {
        let primary = evidence.primary
        func truth(of run: RunRecord) -> GroundTruth {
            mutation.map { $0.apply(to: run.truth, measuredOn: primary) } ?? run.truth
        }
        let declared = truth(of: primary)
        var checks: [Check] = []

        // How the runs end.
        let expected = declared.expectedOutcome.rawValue
        let outcomeCheck = Check(
            name: "outcome", measured: primary.outcome.rawValue + (primary.outcomeDetail.map { " (\($0))" } ?? ""),
            declared: expected, passed: primary.outcome.rawValue == expected)
        guard declared.expectedOutcome == .completed, outcomeCheck.passed else { return [outcomeCheck] }
        var longer = evidence.longer
        if let run = longer, run.outcome != .completed {
            checks.append(
                Check(
                    name: "outcome at \(run.workloadIterations) it.", measured: run.outcome.rawValue + (run.outcomeDetail.map { " (\($0))" } ?? ""),
                    declared: expected, passed: false))
            longer = nil
        }

        switch declared.verdict {
        case .leak:
            if case .sublinear(let law) = declared.shape {
                checks += sublinearChecks(declared, law: law, primary: primary, longer: longer)
            } else {
                checks += leakChecks(declared, run: primary, label: "")
                if let longer { checks += leakChecks(truth(of: longer), run: longer, label: " at \(longer.workloadIterations) it.") }
                // A leak whose onset leaves neither run anything to measure is no testable leak.
                if !measurableAfterOnset(declared, primary), !(longer.map { measurableAfterOnset(truth(of: $0), $0) } ?? false) {
                    var onset = primary.workloadIterations
                    if case .onset(let point) = declared.shape { onset = point.workloadIteration(of: primary.workloadIterations) }
                    checks.append(
                        Check(
                            name: "leak measurable after its onset",
                            measured:
                                "onset at iteration \(onset); the runs end at \([primary, longer].compactMap { $0?.workloadIterations }.map(String.init).joined(separator: " and ")) with too few samples after it",
                            declared: "a leak that starts early enough to be measured (an earlier onset, or --iterations)", passed: false))
                }
                if declared.shape == .superlinear { checks += acceleratingChecks(primary: primary, longer: longer) }
            }
        case .clean:
            checks += cleanChecks(declared, primary: primary, longer: longer.map { ($0, truth(of: $0)) }, confirming: evidence.confirmingPair)
        case .bounded:
            checks += boundedChecks(declared, primary: primary, longer: longer)
        }
        checks += oneOffChecks(declared, run: primary)
        checks += reachabilityChecks(declared, growth: evidence.reachability)
        return checks
    }

    /// The metrics whose rate is checked for `truth` on `trace`: heap bytes and objects, fds and
    /// threads always; tasks where the run counted them; non-heap memory where the truth declares
    /// some or nothing may grow (a clean variant). Metrics the run could not measure are left out.
    static func checkedMetrics(_ truth: GroundTruth, _ trace: Trace) -> [LeakMetric] {
        LeakMetric.allCases.filter { metric in
            guard trace.samples.contains(where: { LeakMeasurement.value(metric, in: $0) != nil }) else { return false }
            if metric == .nonHeapBytes { return truth.perIteration.nonHeapBytes != 0 || truth.verdict == .clean }
            return true
        }
    }

    /// A figure as the tables show it: whole numbers from 100 up, two decimals below.
    public static func figure(_ value: Double) -> String {
        if abs(value) >= 100 { return String(Int(value.rounded())) }
        if value != 0 && abs(value) < 0.1 { return Format.printf("%.3g", value) }
        return String(Double(Int((value * 100).rounded())) / 100)
    }

    static func declared(_ value: Double, _ tolerance: Double) -> String {
        "\(figure(value)) ± \(figure(tolerance))"
    }

    /// Whether `measured` agrees with `value ± tolerance` (a hair of floating-point slack).
    static func agrees(_ measured: Double, _ value: Double, _ tolerance: Double) -> Bool {
        abs(measured - value) <= tolerance + 1e-9 * max(1, abs(value))
    }
}
