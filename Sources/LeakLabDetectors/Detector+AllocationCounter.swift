import LeakLabKit
import LeakLabModel

/// `allocation-counter`: swift-nio's allocation tests, as a detector.
public struct AllocationCounterDetector: BuiltInDetector {
    public static let name = "allocation-counter"
    public static let summary = """
        What swift-nio's allocation-counter tests check: the allocations still live after the \
        workload has run and settled (mallocs − frees after settle, minus the same at the end of \
        warm-up), called a leak above `maximumRemaining`. Exact where the allocator counts \
        mallocs and frees (jemalloc; glibc does not, and it fails rather than guess). Known to \
        fail: a one-off cost paid during the workload (a cache filled once, a lazily made \
        singleton) counts as remaining; a bounded cache's plateau counts; a leak of few large \
        blocks stays under the count; it sees nothing until the workload has settled.
        """

    /// Remaining allocations above which the run leaks.
    public var maximumRemaining: Double

    public init() { self.init(maximumRemaining: 100) }

    public init(maximumRemaining: Double) { self.maximumRemaining = maximumRemaining }

    public func assess(_ trace: Trace) -> DetectorVerdict {
        guard trace.has(.liveObjects) else { return .failed(Self.name, "metric unavailable: mallocs and frees (jemalloc only)") }
        let items = trace.workloadItemsDone
        guard items > 0 else { return .failed(Self.name, "no workload samples") }
        guard let start = trace.baselineValue(.liveObjects), let kept = trace.afterSettleValue(.liveObjects) else {
            return .failed(Self.name, "no settle samples: the run ended during the workload (\(trace.outcome.rawValue))")
        }
        let remaining = kept - start
        let leak = remaining > maximumRemaining
        let bytes = zip(trace.afterSettleValue(.allocated), trace.baselineValue(.allocated)).map { ($0 - $1) / Double(items) }
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: bytes,
            confidence: leak ? min(0.99, max(0.5, 1 - maximumRemaining / remaining)) : 0.7,
            note: "\(Format.signed(remaining)) allocation(s) remaining after settle (limit \(Format.signed(maximumRemaining)))")
    }
}

/// Both values, or `nil`.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
