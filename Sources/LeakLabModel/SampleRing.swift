import CLeakLabShims
import LeakLabKit

/// A ring of fixed-size binary sample records in memory shared by the child (which appends) and
/// the runner (which drains): the sample channel without a wake-up per sample.
///
/// The runner creates the memory (a memfd of ``byteCount(capacity:)`` bytes) and passes it to the
/// child as fd ``SampleRingChannel/fileDescriptor``; both map it. Layout, little-endian, bytes:
///
///     header (64):  0 magic UInt64 ("LLRING01") · 8 recordSize UInt32 · 12 capacity UInt32
///                   16 written UInt64 (records ever appended; the child publishes it with release)
///                   24 consumed UInt64 (records the runner has read; it publishes it with release)
///     record i at 64 + (i % capacity) × recordSize, recordSize 128:
///                   0 t Float64 · 8 iteration Int64 · 16 phase UInt32 · 20 present UInt32 (bit per
///                   figure) · 24 reused UInt32 (bit per figure: copied from an earlier sample) ·
///                   28 unused · 32 + 8k figure k Int64, k in ``SampleRing/figures`` order (12
///                   figures; 12 slots)
///
/// The child never overwrites a record the runner has not read: when the ring is full,
/// ``append(_:)`` returns false and the child sends that sample on the pipe instead. A record
/// counts once `written` covers it, so a child that dies mid-record loses only that record, as a
/// torn pipe write would. Nothing here allocates.
public struct SampleRing {
    public static let headerSize = 64
    public static let recordSize = 128
    public static let magic: UInt64 = 0x3130_474E_4952_4C4C  // "LLRING01"
    /// Records the runner's memfd holds: ~5 ms of sampling flat out is ~600, and the runner drains
    /// at least every 5 ms.
    public static let defaultCapacity = 1_024

    /// The sample's optional figures, in record order.
    public static let figures: [Metric] = [
        .allocated, .active, .resident, .mapped, .retained, .metadata, .mallocs, .frees, .rss, .fds, .threads, .tasks,
    ]

    public let base: UnsafeMutableRawPointer
    public let capacity: Int

    public static func byteCount(capacity: Int) -> Int { headerSize + capacity * recordSize }

    /// Wraps mapped memory; `initialize` writes a fresh header (the runner does, before spawning).
    public init(base: UnsafeMutableRawPointer, capacity: Int, initialize: Bool) {
        self.base = base
        self.capacity = capacity
        if initialize {
            base.storeBytes(of: Self.magic, toByteOffset: 0, as: UInt64.self)
            base.storeBytes(of: UInt32(Self.recordSize), toByteOffset: 8, as: UInt32.self)
            base.storeBytes(of: UInt32(capacity), toByteOffset: 12, as: UInt32.self)
            leaklab_store_release(counter(16), 0)
            leaklab_store_release(counter(24), 0)
        }
    }

    /// Whether the header is one this code wrote (the child checks before appending).
    public var isValid: Bool {
        base.load(fromByteOffset: 0, as: UInt64.self) == Self.magic
            && Int(base.load(fromByteOffset: 8, as: UInt32.self)) == Self.recordSize
            && Int(base.load(fromByteOffset: 12, as: UInt32.self)) == capacity
    }

    private func counter(_ offset: Int) -> UnsafeMutablePointer<UInt64> {
        (base + offset).assumingMemoryBound(to: UInt64.self)
    }

    /// Records appended so far.
    public var written: UInt64 { leaklab_load_acquire(counter(16)) }
    /// Records the runner has read.
    public var consumed: UInt64 { leaklab_load_acquire(counter(24)) }

    // MARK: Child side

    /// Appends `sample`; false when the ring is full (the runner has not caught up).
    public func append(_ sample: Sample) -> Bool {
        let next = leaklab_load_relaxed(counter(16))
        guard next &- consumed < UInt64(capacity) else { return false }
        let record = base + Self.headerSize + Int(next % UInt64(capacity)) * Self.recordSize
        record.storeBytes(of: sample.t, toByteOffset: 0, as: Double.self)
        record.storeBytes(of: Int64(sample.iteration), toByteOffset: 8, as: Int64.self)
        record.storeBytes(of: UInt32(sample.phase.ordinal), toByteOffset: 16, as: UInt32.self)
        var present: UInt32 = 0
        func put(_ index: Int, _ value: Int?) {
            if value != nil { present |= 1 << UInt32(index) }
            record.storeBytes(of: Int64(value ?? 0), toByteOffset: 32 + 8 * index, as: Int64.self)
        }
        // In ``figures`` order, spelled out: no array on the hot path.
        put(0, sample.allocated)
        put(1, sample.active)
        put(2, sample.resident)
        put(3, sample.mapped)
        put(4, sample.retained)
        put(5, sample.metadata)
        put(6, sample.mallocs)
        put(7, sample.frees)
        put(8, sample.rss)
        put(9, sample.fds)
        put(10, sample.threads)
        put(11, sample.tasks)
        record.storeBytes(of: present, toByteOffset: 20, as: UInt32.self)
        var reused: UInt32 = 0
        if let metrics = sample.reused {
            for metric in metrics {
                if let index = Self.figureIndex(metric) { reused |= 1 << UInt32(index) }
            }
        }
        record.storeBytes(of: reused, toByteOffset: 24, as: UInt32.self)
        leaklab_store_release(counter(16), next &+ 1)
        return true
    }

    /// `metric`'s position in ``figures``.
    static func figureIndex(_ metric: Metric) -> Int? {
        switch metric {
        case .allocated: 0
        case .active: 1
        case .resident: 2
        case .mapped: 3
        case .retained: 4
        case .metadata: 5
        case .mallocs: 6
        case .frees: 7
        case .rss: 8
        case .fds: 9
        case .threads: 10
        case .tasks: 11
        case .liveObjects: nil
        }
    }

    // MARK: Runner side

    /// Reads every record appended since the last drain, in order, and marks them read.
    /// Returns how many records were unreadable (a header or phase the scenario scribbled on);
    /// a `written` count that runs ahead by more than the capacity is clamped.
    @discardableResult
    public func drain(_ onSample: (Sample) -> Void) -> Int {
        let start = consumed
        let end = written
        guard end > start else { return 0 }
        var index = end - start > UInt64(capacity) ? end - UInt64(capacity) : start
        // Records overwritten before they were read: only a scenario scribbling on `written` can
        // make any (the child never laps the runner). Capped so that a wild count cannot overflow.
        var corrupt = Int(min(index - start, UInt64(Int32.max)))
        while index < end {
            let record = UnsafeRawPointer(base + Self.headerSize + Int(index % UInt64(capacity)) * Self.recordSize)
            if let sample = Self.decode(record) { onSample(sample) } else { corrupt += 1 }
            index += 1
        }
        leaklab_store_release(counter(24), end)
        return corrupt
    }

    static func decode(_ record: UnsafeRawPointer) -> Sample? {
        let ordinal = Int(record.load(fromByteOffset: 16, as: UInt32.self))
        guard ordinal < Phase.allCases.count else { return nil }
        var sample = Sample(
            t: record.load(fromByteOffset: 0, as: Double.self), phase: Phase.allCases[ordinal],
            iteration: Int(record.load(fromByteOffset: 8, as: Int64.self)))
        let present = record.load(fromByteOffset: 20, as: UInt32.self)
        for (index, metric) in figures.enumerated() where present & (1 << UInt32(index)) != 0 {
            sample.set(metric, Int(record.load(fromByteOffset: 32 + 8 * index, as: Int64.self)))
        }
        let reused = record.load(fromByteOffset: 24, as: UInt32.self)
        if reused != 0 {
            let metrics = figures.enumerated().filter { reused & (1 << UInt32($0.offset)) != 0 }.map(\.element)
            sample.reused = metrics.isEmpty ? nil : metrics
        }
        return sample
    }
}

extension Phase {
    /// The phase's position in `Phase.allCases`: its code in a sample record.
    var ordinal: Int {
        switch self {
        case .setUp: 0
        case .warmUp: 1
        case .workload: 2
        case .settle: 3
        case .tearDown: 4
        }
    }
}

/// How the runner hands the child its sample ring.
public enum SampleRingChannel {
    /// The child's fd for the ring's memfd.
    public static let fileDescriptor: Int32 = 4
    /// Set in the child's environment to the ring's fd (and its capacity after a colon) when the
    /// runner made one; absent, the child sends samples on the pipe as JSON lines.
    public static let environmentKey = "LEAKLAB_SAMPLE_RING"
}
