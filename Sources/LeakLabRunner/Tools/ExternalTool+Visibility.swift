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
        }
    }

    /// Whether a bounded look-alike may make it say leak.
    public var fooledByPlateaus: Bool {
        switch self {
        case .memcheck, .lsan: false  // a plateau stays referenced
        case .heaptrack: true  // counts what is not freed at exit, plateau or not
        }
    }
}

extension ToolDetector: Detecting {
    public var kind: DetectorKind { .tool }
    public var sees: Set<LeakKind> { tool.sees }
    public var fooledByPlateaus: Bool { tool.fooledByPlateaus }
}
