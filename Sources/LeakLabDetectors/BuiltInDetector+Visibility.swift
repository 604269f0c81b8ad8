import LeakLabKit
import LeakLabModel

// What each built-in detector can see (``Detecting/sees``) and whether a bounded look-alike may
// fool it. A new detector declares these in its own `Detector+Name.swift`; these are here so the
// nine detectors' files stay as they were.

extension ThresholdsDetector {
    /// Allocated bytes and mallocs − frees (any heap), threads, fds and tasks during the workload.
    public static let sees: Set<LeakKind> = LeakKind.heap.union([.fds, .threads, .tasks])
    public static let fooledByPlateaus = true
}

extension TrendDetector {
    /// The heap (allocated), open fds and threads over the workload.
    public static let sees: Set<LeakKind> = LeakKind.heap.union([.fds, .threads])
}

extension SettleDetector {
    /// The heap (allocated), fds and threads left after settle.
    public static let sees: Set<LeakKind> = LeakKind.heap.union([.fds, .threads])
}

extension ResourcesDetector {
    /// Open fds, threads and live tasks left after settle: no memory.
    public static let sees: Set<LeakKind> = [.fds, .threads, .tasks]
}

extension RSSDetector {
    /// Resident memory, heap or not.
    public static let sees: Set<LeakKind> = LeakKind.memory
    public static let fooledByPlateaus = true
}

extension ResidentDeltaDetector {
    /// jemalloc's resident heap pages: heap only.
    public static let sees: Set<LeakKind> = LeakKind.heap
    public static let fooledByPlateaus = true
}

extension TaskLeakDetector {
    /// Live Swift tasks left suspended after settle.
    public static let sees: Set<LeakKind> = [.tasks]
}

extension ChannelsDetector {
    /// Heap objects and bytes, fds, threads and resident memory outside the heap.
    public static let sees: Set<LeakKind> = LeakKind.memory.union([.fds, .threads])
}

extension AllocationCounterDetector {
    /// Allocations still live after settle (mallocs − frees): heap only.
    public static let sees: Set<LeakKind> = LeakKind.heap
    public static let fooledByPlateaus = true
}
