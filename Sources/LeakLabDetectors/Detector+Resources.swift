import LeakLabKit
import LeakLabModel

/// `resources`: open fds, threads and Swift tasks left behind after settle.
public struct ResourcesDetector: BuiltInDetector {
    public static let name = "resources"
    public static let summary = """
        Counts open file descriptors and threads (from /proc) and live Swift tasks (where the child \
        can count them) in the last settle sample against the end of warm-up, and says leak when \
        any is up by more than `maximumLeft` in all and by at least `perIteration` per workload \
        iteration. Known to fail: blind to memory leaks; a pool that keeps growing its threads over \
        the whole run, or a leak slower than one fd, thread or task per 20 iterations, is judged \
        the wrong way; tasks kept waiting on purpose past settle read as a leak; it cannot judge a \
        run that ended early.
        """

    /// Fds or threads that may be left in all without it being a leak.
    public var maximumLeft: Double
    /// Fds or threads per iteration below which what is left is a one-off, not a leak.
    public var perIteration: Double

    /// One fd or thread per 20 iterations: below it, what is left is a one-off.
    public init() { self.init(maximumLeft: 2, perIteration: 0.05) }

    public init(maximumLeft: Double, perIteration: Double) {
        self.maximumLeft = maximumLeft
        self.perIteration = perIteration
    }

    public func assess(_ trace: Trace) -> DetectorVerdict {
        let metrics = [Metric.fds, .threads, .tasks].filter { trace.has($0) }
        guard !metrics.isEmpty else { return .failed(Self.name, "metric unavailable: neither fds nor threads was measured") }
        let items = trace.workloadItemsDone
        guard items > 0 else { return .failed(Self.name, "no workload samples") }
        var rates: [String: Double] = [:]
        var notes: [String] = []
        var leak = false
        for metric in metrics {
            guard let kept = trace.afterSettleValue(metric), let start = trace.baselineValue(metric) else {
                return .failed(Self.name, "no settle samples: the run ended during the workload (\(trace.outcome.rawValue))")
            }
            let left = kept - start
            let rate = left / Double(items)
            rates[metric.rawValue] = rate
            if left > maximumLeft && rate >= perIteration { leak = true }
            notes.append("\(metric.rawValue) \(Format.signed(left)) after settle")
        }
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: nil, resourceRates: rates,
            confidence: leak ? 0.9 : 0.8, note: notes.joined(separator: ", "))
    }
}
