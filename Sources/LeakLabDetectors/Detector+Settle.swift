import LeakLabKit
import LeakLabModel

/// `settle`: is memory back near its baseline once the workload has stopped and settled?
public struct SettleDetector: BuiltInDetector {
    public static let name = "settle"
    public static let summary = """
        Compares the heap (`allocated`, else RSS) in the last settle sample with its value at the \
        end of warm-up, and says leak when what is left exceeds both `minimumBytes` and \
        `bytesPerIteration` per workload iteration. It sees a leak only once the workload has \
        stopped, so its latency is the whole workload, and it cannot judge a run that ended early. \
        Known to fail: a bounded cache or pool that legitimately keeps its plateau looks like a \
        leak; a small leak in a short run stays under `minimumBytes`; with RSS as fallback, pages \
        the allocator keeps after a free look kept.
        """

    /// Bytes left per iteration above which the run leaks: 32 B.
    public var bytesPerIteration: Double
    /// Bytes left, in all, below which a difference is noise.
    public var minimumBytes: Double

    public init() { self.init(bytesPerIteration: 32, minimumBytes: 16 * 1024) }

    public init(bytesPerIteration: Double, minimumBytes: Double) {
        self.bytesPerIteration = bytesPerIteration
        self.minimumBytes = minimumBytes
    }

    public func assess(_ trace: Trace) -> DetectorVerdict {
        guard let metric = trace.memoryMetric else {
            return .failed(Self.name, "metric unavailable: neither allocated nor rss was measured")
        }
        let items = trace.workloadItemsDone
        guard items > 0 else { return .failed(Self.name, "no workload samples") }
        guard let kept = trace.afterSettleValue(metric), let start = trace.baselineValue(metric) else {
            return .failed(Self.name, "no settle samples: the run ended during the workload (\(trace.outcome.rawValue))")
        }
        let left = kept - start
        let threshold = max(minimumBytes, bytesPerIteration * Double(items))
        let leak = left > threshold
        let confidence = leak ? min(0.99, max(0.5, 1 - threshold / left))
            : min(0.99, max(0.5, 1 - max(0, left) / threshold))
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: left / Double(items), confidence: confidence,
            note: "\(metric.rawValue) \(Format.bytes(left)) above baseline after settle (limit \(Format.bytes(threshold)))")
    }
}
