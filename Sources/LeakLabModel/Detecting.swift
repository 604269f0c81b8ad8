import LeakLabKit

/// How a detector judges a run.
public enum DetectorKind: String, Codable, Sendable, CaseIterable {
    /// A pure function over the run's trace, built into the lab (`LeakLabDetectors`).
    case trace
    /// A user program that reads the trace as JSON (`--detector-cmd`, docs/detector-protocol.md).
    case command
    /// An external tool that runs the variant again under itself (valgrind memcheck,
    /// LeakSanitizer, heaptrack): it sees the process, not the trace.
    case tool
}

/// What every detector is, whatever kind: a name, what it looks at, and which kinds of leak it
/// can see at all. `explain`, `detectors` and the HTML report derive "who sees what" from
/// ``sees`` and ``fooledByPlateaus``; nothing else lists detector names.
///
/// Requirements:
/// - ``name`` is unique among all detectors (trace, command and tool) and keys verdicts.
/// - ``sees`` holds every ``LeakKind`` the detector can report when it leaks fast enough: a leak
///   made only of other kinds is invisible to it by construction (LeakSanitizer cannot see memory
///   that is still referenced; the resources check cannot see heap bytes).
public protocol Detecting: Sendable {
    var name: String { get }
    var kind: DetectorKind { get }
    /// What the detector looks at and where it is known to fail, in one paragraph.
    var summary: String { get }
    /// The kinds of leak it can see.
    var sees: Set<LeakKind> { get }
    /// Whether a bounded look-alike (it grows, then plateaus or gives back) may make it say leak:
    /// it compares two moments or applies per-item thresholds instead of following the trend.
    var fooledByPlateaus: Bool { get }
}

extension Detecting {
    public var fooledByPlateaus: Bool { false }

    /// Whether it can see any part of a leak made of `kinds`.
    public func sees(any kinds: Set<LeakKind>) -> Bool { !sees.isDisjoint(with: kinds) }
}

extension LeakKind {
    /// Heap memory held in any way: what allocator counters (allocated bytes, mallocs − frees) see.
    public static let heap: Set<LeakKind> = [.reachableHeap, .unreachableHeap, .interiorHeap]
    /// Memory of any kind, heap or not: what RSS sees.
    public static let memory: Set<LeakKind> = heap.union([.nonHeapMemory])
}
