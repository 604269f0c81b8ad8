import LeakLabKit
import LeakLabModel

extension ExternalTool {
    /// The kinds of leak the tool's verdict can report (not everything its report mentions: memcheck
    /// prints "possibly lost" blocks but does not count them). A new tool must say: the switch has
    /// no `default`.
    public var sees: Set<LeakKind> {
        switch self {
        case .memcheck: [.unreachableHeap, .fds]  // definitely + indirectly lost, and --track-fds
        case .lsan: [.unreachableHeap]  // direct + indirect leaks: memory nothing points at
        case .heaptrack: LeakKind.heap  // 'total memory leaked': everything not freed at exit
        case .heapcheck: [.unreachableHeap]  // gperftools: objects nothing points at, found by a conservative scan
        case .mtrace: LeakKind.heap  // every block allocated and never freed by exit
        case .memleak: LeakKind.heap  // outstanding allocations (where it can run at all)
        }
    }

    /// Whether a bounded look-alike may make it say leak.
    public var fooledByPlateaus: Bool {
        switch self {
        case .memcheck, .lsan, .heapcheck: false  // a plateau stays referenced
        // Count what is not freed at exit: growth between N and 2N iterations is a plateau not
        // yet reached by N.
        case .heaptrack, .mtrace, .memleak: true
        }
    }
}

extension ToolDetector: Detecting {
    public var kind: DetectorKind { .tool }
    public var sees: Set<LeakKind> { tool.sees }
    public var fooledByPlateaus: Bool { tool.fooledByPlateaus }
}
