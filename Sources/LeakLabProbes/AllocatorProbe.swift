import LeakLabModel

/// A probe that reads one allocator's own statistics in the child: one file per allocator,
/// `NameProbe.swift`, listed in ``ProbeSet/allocatorProbes`` (a test checks the list against the
/// folder). An allocator without one (mimalloc as Debian builds it) gives RSS only.
public protocol AllocatorProbe: Probe {
    /// The allocator whose statistics it reads; ``ProbeSet`` picks it when this one serves `malloc`.
    static var allocator: AllocatorName { get }
    /// Figures a periodic sample may copy from the last read: slow to read, and judged by no
    /// detector or audit sample by sample. None by default.
    static var slowFigures: [Metric] { get }
    /// `nil` when the statistics cannot be read in this process (the symbol is missing).
    init?()
    /// The allocator's version, where it says.
    var version: String? { get }
    /// Reads every figure, or with `reuseSlow` all but ``slowFigures``, which keep their last values.
    func read(into sample: inout Sample, reuseSlow: Bool) throws(ProbeError)
}

extension AllocatorProbe {
    public static var slowFigures: [Metric] { [] }
    public var version: String? { nil }
    public func read(into sample: inout Sample, reuseSlow: Bool) throws(ProbeError) {
        try read(into: &sample)
    }
}
