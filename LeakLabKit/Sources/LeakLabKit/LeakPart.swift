/// One kind of thing a leaky variant leaves behind per iteration, and how it is held.
///
/// A variant may leak several parts at once: a tree that loses 64 B unreachable and keeps 48 B
/// reachable per iteration is two heap parts; a connection that leaks its socket and a buffer is an
/// fd part and a heap part. The lab derives from the parts which tools can see the leak: valgrind
/// and LeakSanitizer see unreachable heap, valgrind also "possibly lost" (interior) heap; heap
/// profilers see all heap; RSS sees non-heap memory; only counters see fds, threads and tasks.
public struct LeakPart: Codable, Sendable, Equatable {
    /// What leaks.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Blocks from `malloc` (Swift objects, arrays, strings, raw allocations).
        case heap
        /// Memory outside the malloc heap: `mmap`, memfd or shared memory, mapped and touched.
        case nonHeapMemory = "non-heap-memory"
        case fds
        case threads
        case tasks
    }

    /// How the leaked thing is still referenced, in valgrind's terms.
    public enum Reachability: String, Codable, Sendable, CaseIterable {
        /// Still referenced from a root (a cache, a registry, a queue): valgrind's "still reachable".
        case reachable
        /// Nothing points at it any more (a retain cycle, a lost pointer): valgrind's "definitely"
        /// or "indirectly lost", LeakSanitizer's "direct" or "indirect leak".
        case unreachable
        /// Referenced only through a pointer into its middle: valgrind's "possibly lost".
        /// LeakSanitizer treats interior pointers as references, so it does not report these.
        case interior
    }

    public var kind: Kind
    /// How the part is held; `nil` where it does not apply (fds, threads, tasks are held by the
    /// kernel or runtime whatever the program still references).
    public var reachability: Reachability?
    /// Bytes per iteration as served (heap: the allocator's size classes) or resident (non-heap).
    public var bytes: Double
    /// Heap bytes per iteration as the code requested them (what valgrind and heaptrack count);
    /// equal to `bytes` unless size classes round them up.
    public var requestedBytes: Double
    /// Heap blocks per iteration.
    public var objects: Double
    /// fds, threads or tasks per iteration.
    public var count: Double

    public init(
        kind: Kind, reachability: Reachability? = nil, bytes: Double = 0, requestedBytes: Double? = nil,
        objects: Double = 0, count: Double = 0
    ) {
        self.kind = kind
        self.reachability = reachability
        self.bytes = bytes
        self.requestedBytes = requestedBytes ?? bytes
        self.objects = objects
        self.count = count
    }

    /// Heap blocks: `bytes` as the allocator serves them, `requested` as the code asked
    /// (defaults to `bytes`), `objects` blocks per iteration.
    public static func heap(
        _ reachability: Reachability, bytes: Double, requested: Double? = nil, objects: Double
    ) -> LeakPart {
        LeakPart(kind: .heap, reachability: reachability, bytes: bytes, requestedBytes: requested, objects: objects)
    }

    /// Resident memory outside the heap (`mmap`, memfd), per iteration.
    public static func nonHeapMemory(bytes: Double, _ reachability: Reachability = .reachable) -> LeakPart {
        LeakPart(kind: .nonHeapMemory, reachability: reachability, bytes: bytes)
    }

    /// File descriptors left open per iteration.
    public static func fds(_ count: Double) -> LeakPart { LeakPart(kind: .fds, count: count) }
    /// Threads left running or blocked per iteration.
    public static func threads(_ count: Double) -> LeakPart { LeakPart(kind: .threads, count: count) }
    /// Swift tasks left suspended per iteration.
    public static func tasks(_ count: Double) -> LeakPart { LeakPart(kind: .tasks, count: count) }

    /// This part's contribution to the per-iteration figures.
    public var leakage: Leakage {
        switch kind {
        case .heap: Leakage(bytes: bytes, objects: objects)
        case .nonHeapMemory: Leakage(nonHeapBytes: bytes)
        case .fds: Leakage(fds: count)
        case .threads: Leakage(threads: count)
        case .tasks: Leakage(tasks: count)
        }
    }
}

/// What kind of leak a tool may see: a ``LeakPart``'s kind and, for heap, how it is held.
public enum LeakKind: String, Codable, Sendable, CaseIterable {
    case reachableHeap = "reachable-heap"
    case unreachableHeap = "unreachable-heap"
    case interiorHeap = "interior-heap"
    case nonHeapMemory = "non-heap-memory"
    case fds, threads, tasks

    public init(_ part: LeakPart) {
        switch part.kind {
        case .heap:
            switch part.reachability ?? .reachable {
            case .reachable: self = .reachableHeap
            case .unreachable: self = .unreachableHeap
            case .interior: self = .interiorHeap
            }
        case .nonHeapMemory: self = .nonHeapMemory
        case .fds: self = .fds
        case .threads: self = .threads
        case .tasks: self = .tasks
        }
    }
}
