import LeakLabModel

/// A source of sample metrics inside the child.
///
/// A probe says up front which metrics it can give (``metrics``); ``read(into:)`` fills exactly
/// those and throws when a read fails, so a failure is never mistaken for a 0.
public protocol Probe {
    /// A short name for messages: `jemalloc`, `glibc`, `proc`.
    var name: String { get }
    /// The metrics ``read(into:)`` fills.
    var metrics: Set<Metric> { get }
    /// Reads the current values into `sample`. Must not allocate: it runs between iterations of
    /// the code under test.
    func read(into sample: inout Sample) throws(ProbeError)
}

/// A probe read that failed: which probe, which metric, and why.
public struct ProbeError: Error, CustomStringConvertible {
    public var probe: String
    public var metric: String
    public var reason: String

    public init(probe: String, metric: String, reason: String) {
        self.probe = probe
        self.metric = metric
        self.reason = reason
    }

    public var description: String { "\(probe) probe could not read \(metric): \(reason)" }
}
