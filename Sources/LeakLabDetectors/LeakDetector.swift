import LeakLabKit
import LeakLabModel

/// Something that reads a run's trace and says whether the run leaks.
///
/// Requirements:
/// - ``name`` is unique among the detectors of one `validate` run and is what verdicts, scores and
///   baselines are keyed by.
/// - ``summary`` is one paragraph: what the detector looks at, and where it is known to fail.
/// - ``evaluate(_:)`` never crashes on a short, empty or truncated trace. When it cannot judge
///   (a metric it needs is absent, no workload samples), it returns ``DetectorVerdict/failed(_:_:)``
///   with the reason — never a verdict made up from zeros.
/// - A verdict that says leak fills `firstIteration`: the iteration at which the detector,
///   evaluated on the samples as they arrived, would first have said leak.
public protocol LeakDetector: Detecting {
    /// The detector's name: `trend`, `settle`, or the program a `--detector-cmd` runs.
    var name: String { get }
    /// What the detector looks at and where it is known to fail, in one paragraph.
    var summary: String { get }
    /// The detector's verdict on a trace.
    func evaluate(_ trace: Trace) -> DetectorVerdict
}

/// A detector that ships with the lab: a pure function over a trace with a fixed name.
///
/// A built-in implements ``assess(_:)``, its verdict on a trace taken as the whole run;
/// ``evaluate(_:)`` adds `firstIteration` by re-assessing prefixes of the trace
/// (see ``OnlineEvaluation``). One built-in per file, `Detector+Name.swift`, listed in
/// ``DetectorRegistry``.
public protocol BuiltInDetector: LeakDetector {
    /// The detector's name, kebab-case.
    static var name: String { get }
    /// What the detector looks at and where it is known to fail, in one paragraph.
    static var summary: String { get }
    /// The kinds of leak it can see (``Detecting/sees``).
    static var sees: Set<LeakKind> { get }
    /// Whether a bounded look-alike may make it say leak (``Detecting/fooledByPlateaus``).
    static var fooledByPlateaus: Bool { get }
    /// The detector with its default settings.
    init()
    /// The verdict on `trace` taken as everything there is, without `firstIteration`.
    ///
    /// Must be pure and must judge only the samples present, so that a prefix of a trace is judged
    /// as if the run had been observed up to that point.
    func assess(_ trace: Trace) -> DetectorVerdict
}

extension BuiltInDetector {
    public static var fooledByPlateaus: Bool { false }
    public var name: String { Self.name }
    public var summary: String { Self.summary }
    public var kind: DetectorKind { .trace }
    public var sees: Set<LeakKind> { Self.sees }
    public var fooledByPlateaus: Bool { Self.fooledByPlateaus }

    /// ``assess(_:)`` on the whole trace, with `firstIteration` found online when it says leak.
    public func evaluate(_ trace: Trace) -> DetectorVerdict {
        var verdict = assess(trace)
        if verdict.leak == true {
            verdict.firstIteration = OnlineEvaluation.firstLeakIteration(in: trace) { prefix in
                assess(prefix).leak == true
            }
        }
        return verdict
    }
}
