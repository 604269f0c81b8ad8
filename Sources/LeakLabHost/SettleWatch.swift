import LeakLabModel

/// Decides when the settle phase may end: as soon as the process has stopped changing, within a
/// minimum and a maximum.
///
/// After the workload's own `settle` has returned, the host samples every ``pollMillis``; settle
/// ends at the first sample, at least ``minimumMillis`` in, that is still — within the tolerances
/// below — against the sample that began the current still stretch, ``stablePolls`` samples
/// after it; or at ``maximumMillis`` (the request's `settleMillis`) whatever happens. Still means:
/// `allocated` within ``allocatedTolerance`` bytes, `mallocs − frees` within ``objectTolerance``,
/// `fds` and `threads` equal, and — only where no allocator figure exists (mimalloc) — `rss`
/// within ``rssTolerance`` (under jemalloc RSS drifts for seconds as dirty pages decay, which is
/// not the code releasing anything). The tolerances absorb the host's own noise: each settle
/// `Task.sleep` holds a timer entry (~1.4 KiB, a few objects) that is freed a poll or two later.
///
/// As in swift-nio's allocation-counter harness, a heap whose figures stay put over several polls
/// has finished releasing; a release that comes later (a timer, a cancelled sleep's timer entry,
/// a generational pool) moves the figures, which starts a new still stretch.
public struct SettleWatch {
    /// Settle lasts at least this long, ms (or ``maximumMillis`` if that is shorter).
    public static let minimumMillis = 20
    /// Still samples in a row after the stretch's first that end settle.
    public static let stablePolls = 3
    /// The gap between settle samples, ms (shorter when the maximum is short).
    public static let defaultPollMillis = 5
    /// How far `allocated` may move and still count as still, bytes.
    public static let allocatedTolerance = 4_096
    /// How far `mallocs − frees` may move and still count as still.
    public static let objectTolerance = 16
    /// How far `rss` may move and still count as still, bytes (used without an allocator figure).
    public static let rssTolerance = 64 << 10

    public let minimumMillis: Int
    public let maximumMillis: Int
    public let pollMillis: Int
    /// The first sample of the current still stretch.
    private var anchor: Sample?
    private var still = 0

    /// `maximumMillis`: the request's `settleMillis`, at least 1.
    public init(maximumMillis: Int) {
        self.maximumMillis = max(1, maximumMillis)
        self.minimumMillis = min(Self.minimumMillis, self.maximumMillis)
        self.pollMillis = max(1, min(Self.defaultPollMillis, self.maximumMillis / (Self.stablePolls + 1)))
    }

    /// Looks at the latest settle sample, taken `elapsedMillis` after settle began; true when
    /// settle may end.
    public mutating func isSettled(after sample: Sample, elapsedMillis: Double) -> Bool {
        if let anchor, Self.isStill(sample, comparedWith: anchor) {
            still += 1
        } else {
            anchor = sample
            still = 0
        }
        if elapsedMillis >= Double(maximumMillis) { return true }
        return elapsedMillis >= Double(minimumMillis) && still >= Self.stablePolls
    }

    /// Whether `sample` is within the tolerances of `anchor` on every figure both carry.
    public static func isStill(_ sample: Sample, comparedWith anchor: Sample) -> Bool {
        func within(_ a: Int?, _ b: Int?, _ tolerance: Int) -> Bool {
            switch (a, b) {
            case (nil, nil): true
            case (let a?, let b?): abs(a - b) <= tolerance
            default: false
            }
        }
        return within(sample.allocated, anchor.allocated, allocatedTolerance)
            && within(sample.liveObjects, anchor.liveObjects, objectTolerance)
            && within(sample.fds, anchor.fds, 0)
            && within(sample.threads, anchor.threads, 0)
            && (sample.allocated != nil || within(sample.rss, anchor.rss, rssTolerance))
    }
}
