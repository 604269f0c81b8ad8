/// How a variant's leakage grows with the iterations.
///
/// The per-iteration figures of a ``GroundTruth`` are read in the light of its shape: for
/// ``linear`` they hold from the first workload iteration, for ``onset(_:)`` from the onset on,
/// for ``bounded(cap:reachedBy:)`` they are 0 in the long run, and ``sublinear(_:)`` has no
/// constant rate at all.
public enum GrowthShape: Codable, Sendable, Equatable {
    /// The same leak every iteration.
    case linear
    /// Nothing leaks before the onset; from it on, the per-iteration figures hold.
    case onset(Onset)
    /// Grows until it holds `cap` (bytes, objects, … held at the plateau; zero where unknown),
    /// reached by the given point of the workload (or not stated), then stays there or is
    /// given back in settle: a look-alike, no leak.
    case bounded(cap: Leakage, reachedBy: Onset?)
    /// Unbounded but slower than linear: what it holds after n iterations grows like log n or √n.
    /// A leak by the definition (it grows without bound), with no constant rate to check.
    case sublinear(Sublinear)
    /// Faster than linear: each iteration leaks more than the one before (a report that copies
    /// all earlier reports: quadratic). The per-iteration figures are the rate at the middle of
    /// the workload (declare them with ``Variant/init(name:role:summary:source:truth:makeWorkload:)``
    /// so they follow the iteration counts); the audit checks that and that the rate rises.
    case superlinear

    /// Where something starts in the workload.
    public enum Onset: Codable, Sendable, Equatable {
        /// Workload iteration `n` (0 is the first workload iteration, after warm-up).
        case iteration(Int)
        /// A fraction of the workload: 0.6 is 60 % of the workload iterations.
        case fraction(Double)

        /// The workload iteration (0-based, after warm-up) this onset stands for.
        public func workloadIteration(of workloadIterations: Int) -> Int {
            switch self {
            case .iteration(let n): n
            case .fraction(let f): Int((Double(workloadIterations) * f).rounded())
            }
        }
    }

    /// Growth laws slower than linear.
    public enum Sublinear: String, Codable, Sendable, CaseIterable {
        case logarithmic
        case squareRoot = "square-root"
    }
}

/// How a deliberately misbehaving variant is expected to end; every other variant completes.
/// The raw values are the run outcomes of `run --json`.
public enum ExpectedOutcome: String, Codable, Sendable, CaseIterable {
    case completed
    case budgetExceeded = "budget-exceeded"
    case crashed
    case timedOut = "timed-out"
    case failed
}
