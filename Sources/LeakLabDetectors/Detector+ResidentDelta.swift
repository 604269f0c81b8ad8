import LeakLabKit
import LeakLabModel

/// `resident-delta`: package-benchmark's `memoryLeaked`.
public struct ResidentDeltaDetector: BuiltInDetector {
    public static let name = "resident-delta"
    public static let summary = """
        What package-benchmark reports as `memoryLeaked`: the change in jemalloc `stats.resident` \
        between the start and the end of the workload, called a leak above `thresholdBytes` (a \
        user-set absolute threshold, here 64 KiB). Needs jemalloc: without `resident` it fails \
        rather than report 0. Known to fail: `resident` counts pages, not objects, and moves with \
        jemalloc's decay, so pages not yet purged look leaked and purged ones hide growth; it \
        ignores settle, so memory given back after the workload and a bounded cache's plateau both \
        count; a small leak stays under the threshold.
        """

    /// Growth of `resident` above which the run leaks, in bytes.
    public var thresholdBytes: Double

    public init() { self.init(thresholdBytes: 64 * 1024) }

    public init(thresholdBytes: Double) { self.thresholdBytes = thresholdBytes }

    public func assess(_ trace: Trace) -> DetectorVerdict {
        guard trace.has(.resident) else { return .failed(Self.name, "metric unavailable: resident (jemalloc only)") }
        let items = trace.workloadItemsDone
        guard items > 0, let start = trace.baselineValue(.resident), let end = trace.endOfWorkloadValue(.resident) else {
            return .failed(Self.name, "no workload samples")
        }
        let delta = end - start
        let leak = delta > thresholdBytes
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: delta / Double(items),
            confidence: leak ? min(0.9, max(0.5, 1 - thresholdBytes / delta)) : 0.6,
            note: "resident \(delta >= 0 ? "+" : "")\(Format.bytes(delta)) over the workload (limit \(Format.bytes(thresholdBytes)))")
    }
}
