import LeakLabKit
import LeakLabModel

/// `trend`: a robust slope with a significance test, after warm-up.
public struct TrendDetector: BuiltInDetector {
    public static let name = "trend"
    public static let summary = """
        Fits a Theil–Sen slope to the workload samples (from the end of warm-up) of the heap \
        (jemalloc/glibc `allocated`, else RSS) and of open fds and threads, and tests it with \
        Mann–Kendall. It says leak when a metric rises significantly, keeps rising at a similar rate \
        through the second half of the workload (a plateau fails this), rises beyond the noise, and \
        still holds at least half the rise after settle (memory given back in settle fails this). \
        Known to fail: a bound reached only near the end of the workload looks like a leak; a leak \
        smaller than 32 B per iteration, or under 32 KiB over the whole workload (what runtime \
        and allocator caches alone can add), or buried in noise is missed; a leak that is released on \
        settle is called bounded; with RSS as fallback, memory the allocator keeps after a free \
        looks kept.
        """

    /// Heap bytes per iteration below which a slope is noise: 32 B.
    public var bytesFloor: Double
    /// Fds or threads per iteration below which a slope is noise.
    public var resourceFloor: Double
    /// Heap growth over the whole workload below which a rise is noise: libdispatch alone keeps up
    /// to ~64 KiB of freed work items per thread, filled at its own pace.
    public var minimumHeapRise: Double

    public init() { self.init(bytesFloor: 32, resourceFloor: 0.05) }

    public init(bytesFloor: Double, resourceFloor: Double, minimumHeapRise: Double = 32 * 1024) {
        self.bytesFloor = bytesFloor
        self.resourceFloor = resourceFloor
        self.minimumHeapRise = minimumHeapRise
    }

    public func assess(_ trace: Trace) -> DetectorVerdict {
        let memory = trace.memoryMetric.flatMap {
            TrendAnalysis(floor: bytesFloor, minimumRise: minimumHeapRise).analyze(trace, $0)
        }
        let resources = [Metric.fds, .threads].compactMap {
            TrendAnalysis(floor: resourceFloor, minimumRise: 3).analyze(trace, $0)
        }
        let findings = (memory.map { [$0] } ?? []) + resources
        guard !findings.isEmpty else {
            return .failed(Self.name, "too few workload samples for a trend (need 8)")
        }
        let leaks = findings.filter(\.leak)
        let leak = !leaks.isEmpty
        let rate = memory.map { $0.leak ? $0.slope : $0.lateSlope }
        var resourceRates: [String: Double] = [:]
        for finding in resources { resourceRates[finding.metric.rawValue] = finding.slope }

        let confidence: Double
        if leak {
            confidence = max(0.5, 1 - leaks.map { max($0.p, $0.lateP) }.max()!)
        } else {
            confidence = findings.contains(where: \.rising) ? 0.75 : 0.9
        }
        let note = findings.map { finding in
            let slope =
                finding.metric.isBytes
                ? Format.bytes(finding.slope) + "/it" : Format.signed(finding.slope) + "/it"
            return "\(finding.metric.rawValue) \(slope) (\(Format.p(finding.p))): \(finding.reason)"
        }.joined(separator: "; ")
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: rate,
            resourceRates: resourceRates.isEmpty ? nil : resourceRates, confidence: confidence, note: note)
    }
}
