/// How a variant's lost heap grows per workload iteration as a reachability tool counts it: the
/// evidence `audit --reachability` checks a truth's declared reachability against.
///
/// Measured by valgrind's memcheck on two runs of the variant (N and 2N workload iterations, same
/// warm-up, glibc allocator): the growth of its leak summary between them, per extra iteration.
/// What grows in *definitely + indirectly lost* was unreachable at exit; *possibly lost* blocks are
/// reached only through interior pointers; what the program still references, or freed at
/// tear-down, is in neither.
public struct ReachabilityGrowth: Codable, Sendable, Equatable {
    /// Definitely + indirectly lost blocks per extra iteration.
    public var lostBlocks: Double
    /// Possibly lost blocks (reached only by interior pointers) per extra iteration.
    public var possiblyLostBlocks: Double
    /// Definitely + indirectly lost bytes per extra iteration (requested sizes, as memcheck counts).
    public var lostBytes: Double
    /// The tool and what it read, for the report: "memcheck at 400 and 800 it.: …".
    public var note: String

    public init(lostBlocks: Double, possiblyLostBlocks: Double, lostBytes: Double, note: String) {
        self.lostBlocks = lostBlocks
        self.possiblyLostBlocks = possiblyLostBlocks
        self.lostBytes = lostBytes
        self.note = note
    }
}
