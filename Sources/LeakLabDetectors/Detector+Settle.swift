import LeakLabKit
import LeakLabModel

/// `settle`: is memory back near its baseline once the workload has stopped and settled?
public struct SettleDetector: BuiltInDetector {
    public static let name = "settle"
    public static let summary = """
        Compares the heap (`allocated`, else RSS) in the last settle sample with its value at the \
        end of warm-up, and says leak when what is left exceeds both `minimumBytes` and \
        `bytesPerIteration` per workload iteration, or when more than 2 fds or threads are left, at \
        least one per 20 iterations. It sees a leak only once the workload has \
        stopped, so its latency is the whole workload, and it cannot judge a run that ended early. \
        Known to fail: a bounded cache or pool that legitimately keeps its plateau looks like a \
        leak; a small leak in a short run stays under `minimumBytes`; with RSS as fallback, pages \
        the allocator keeps after a free look kept.
        """

    /// Bytes left per iteration above which the run leaks: 32 B.
    public var bytesPerIteration: Double
    /// Bytes left, in all, below which a difference is noise.
    public var minimumBytes: Double
    /// Fds or threads left in all at or below which nothing leaked.
    public var maximumCountLeft = 2.0
    /// Fds or threads left per iteration below which what is left is a one-off.
    public var countPerIteration = 0.05

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
        // Fds and threads left after settle: more than `maximumCountLeft` in all and at least
        // `countPerIteration` per iteration (a steady +1 fd per iteration; not a pool's few threads).
        var countsLeft: [String] = []
        var rates: [String: Double] = [:]
        for metric in [Metric.fds, .threads] {
            guard let end = trace.afterSettleValue(metric), let begin = trace.baselineValue(metric) else { continue }
            rates[metric.rawValue] = (end - begin) / Double(items)
            if end - begin > maximumCountLeft, (end - begin) / Double(items) >= countPerIteration {
                countsLeft.append("\(metric.rawValue) \(Format.signed(end - begin))")
            }
        }
        let leak = left > threshold || !countsLeft.isEmpty
        let confidence =
            leak
            ? min(0.99, max(0.5, 1 - threshold / left))
            : min(0.99, max(0.5, 1 - max(0, left) / threshold))
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: left / Double(items),
            resourceRates: rates.isEmpty ? nil : rates, confidence: confidence,
            note: "\(metric.rawValue) \(Format.bytes(left)) above baseline after settle (limit \(Format.bytes(threshold)))"
                + (countsLeft.isEmpty ? "" : "; left after settle: " + countsLeft.joined(separator: ", ")))
    }
}
