import LeakLabKit
import LeakLabModel

/// `rss`: the naive dashboard view — did the process's resident set grow?
public struct RSSDetector: BuiltInDetector {
    public static let name = "rss"
    public static let summary = """
        The naive dashboard: says leak when RSS (from /proc) at the last sample before tear-down is \
        more than `growthFraction` above RSS at the end of warm-up. Known to fail: allocators keep \
        freed pages, so memory given back in settle still counts; a bounded cache's plateau counts; \
        a small leak in a large process stays under the percentage; page-granular and moved by \
        allocator decay and thread stacks.
        """

    /// Growth of RSS, as a fraction of its starting value, above which the run leaks.
    public var growthFraction: Double

    public init() { self.init(growthFraction: 0.10) }

    public init(growthFraction: Double) { self.growthFraction = growthFraction }

    public func assess(_ trace: Trace) -> DetectorVerdict {
        guard trace.has(.rss) else { return .failed(Self.name, "metric unavailable: rss") }
        let items = trace.workloadItemsDone
        guard items > 0, let start = trace.baselineValue(.rss), start > 0 else {
            return .failed(Self.name, "no workload samples")
        }
        let end = (trace.afterSettleValue(.rss) ?? trace.endOfWorkloadValue(.rss)) ?? start
        let growth = (end - start) / start
        let leak = growth > growthFraction
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: (end - start) / Double(items),
            confidence: leak ? min(0.9, 0.5 + growth) : 0.6,
            note: "rss \(Format.bytes(start)) → \(Format.bytes(end)) (\(Format.percent(growth)), limit \(Format.percent(growthFraction)))")
    }
}
