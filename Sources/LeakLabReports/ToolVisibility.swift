import LeakLabKit
import LeakLabModel

/// Which detectors and tools see a variant's leak and which do not, derived from its declared truth
/// and from what each detector says it can see (``Detecting/sees``, ``DetectorCatalog``): no list
/// of names here to go stale when a detector or a tool is added.
///
/// The rule the lab teaches: valgrind memcheck and LeakSanitizer report memory nothing points at
/// any more; memory still referenced from a root (a cache, a registry, a parked task) is "still
/// reachable" to memcheck and not reported by LeakSanitizer, so only tools that watch allocation
/// over time catch it.
public struct ToolVisibility: Codable, Equatable {
    /// Detectors and tools that should report this variant as a leak.
    public var seenBy: [String]
    /// Detectors and tools that cannot see the leak.
    public var missedBy: [String]
    /// Detectors this variant may trick into a false alarm (bounded decoys).
    public var mayFool: [String]
    /// The reasoning, in a sentence or three.
    public var explanation: String

    /// - Parameter detectors: who to judge, in the order to list them (default: the catalogue).
    public init(_ truth: GroundTruth, detectors: [any Detecting] = DetectorCatalog.all()) {
        let kinds = Self.kinds(truth)
        switch truth.verdict {
        case .clean:
            (seenBy, missedBy, mayFool) = ([], [], [])
        case .bounded:
            (seenBy, missedBy) = ([], [])
            mayFool = detectors.filter(\.fooledByPlateaus).map(\.name)
        case .leak:
            // Tools that report the leaked memory itself first, then the rest in catalogue order.
            let ordered =
                detectors.filter { $0.kind == .tool && !$0.sees.contains(.reachableHeap) }
                + detectors.filter { !($0.kind == .tool && !$0.sees.contains(.reachableHeap)) }
            seenBy = ordered.filter { $0.sees(any: kinds) }.map(\.name)
            missedBy = ordered.filter { !$0.sees(any: kinds) }.map(\.name)
            mayFool = []
        }
        explanation = Self.explanation(truth, kinds: kinds)
    }

    /// The kinds of leak a truth declares; truth written before parts (plugin API v1) by its
    /// reachability flag and its per-iteration figures.
    public static func kinds(_ truth: GroundTruth) -> Set<LeakKind> {
        guard truth.verdict == .leak else { return [] }
        var kinds = truth.leakKinds
        guard truth.parts.isEmpty else { return kinds }
        let rate = truth.perIteration
        if rate.bytes > 0 || rate.objects > 0 { kinds.insert(truth.reachable ? .reachableHeap : .unreachableHeap) }
        if rate.nonHeapBytes > 0 { kinds.insert(.nonHeapMemory) }
        if rate.fds > 0 { kinds.insert(.fds) }
        if rate.threads > 0 { kinds.insert(.threads) }
        if rate.tasks > 0 { kinds.insert(.tasks) }
        return kinds
    }

    /// Why, in words: one sentence per way the leak is held.
    static func explanation(_ truth: GroundTruth, kinds: Set<LeakKind>) -> String {
        var why: [String] = []
        switch truth.verdict {
        case .clean:
            why.append("Clean: nothing grows, so every detector should say no leak; one that does not is a false positive.")
        case .bounded:
            why.append(
                """
                A bounded look-alike: it grows, then plateaus or gives memory back. Checks that \
                compare two moments, or apply per-item thresholds to the growing stretch, may call it \
                a leak; a trend over the whole workload sees the slope flatten and the settle check \
                sees memory come back. What it holds stays referenced, so memcheck and LeakSanitizer \
                report nothing.
                """)
        case .leak:
            if kinds.contains(.unreachableHeap) {
                why.append(
                    """
                    Unreachable: nothing points at the leaked memory any more, so valgrind memcheck \
                    reports it as definitely lost and LeakSanitizer reports it at exit; allocation \
                    counters and trends see it grow too.
                    """)
            }
            if kinds.contains(.interiorHeap) {
                why.append(
                    """
                    Held only through a pointer into the middle of each block: valgrind memcheck \
                    reports it only as 'possibly lost', which its verdict does not count; \
                    LeakSanitizer counts interior pointers as references and reports nothing; \
                    allocation counters and trends see it grow.
                    """)
            }
            if kinds.contains(.reachableHeap) {
                why.append(
                    """
                    Reachable: a live reference still holds it, so valgrind memcheck files it under \
                    'still reachable' (not a leak) and LeakSanitizer does not report it; only what \
                    watches allocation over time sees it, heaptrack included, whose 'leaked' total \
                    counts everything not freed.
                    """)
            }
            if kinds.contains(.nonHeapMemory) {
                why.append(
                    """
                    Memory outside the malloc heap (mmap, memfd): allocators, valgrind, LeakSanitizer \
                    and heaptrack never see it; only resident memory (RSS) grows.
                    """)
            }
            if kinds.isDisjoint(with: LeakKind.memory) {
                why.append("No heap growth to speak of: detectors that watch allocated bytes see nothing.")
            }
            let resources = [kinds.contains(.fds) ? "file descriptors" : nil, kinds.contains(.threads) ? "threads" : nil].compactMap { $0 }
            if !resources.isEmpty {
                why.append(
                    """
                    It leaves \(resources.joined(separator: " and ")) behind: the resources check (open \
                    fds and threads from /proc) sees them\(kinds.contains(.fds) ? "; memcheck counts open fds too (--track-fds=yes), LeakSanitizer never" : "").
                    """)
            }
            if kinds.contains(.tasks) && !kinds.contains(.threads) {
                why.append("A suspended task holds no thread and no fd, only memory: thread and fd counts cannot see it; a count of live tasks can.")
            }
        }
        return why.joined(separator: " ")
    }
}
