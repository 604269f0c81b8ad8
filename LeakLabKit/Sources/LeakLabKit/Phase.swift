/// The phases of a run, in order.
public enum Phase: String, Codable, Sendable, CaseIterable, Comparable {
    /// Before the first iteration: the workload builds what it needs.
    case setUp
    /// Iterations whose growth is not counted: caches, pools and the runtime warm up.
    case warmUp
    /// The measured iterations.
    case workload
    /// The workload has stopped; the code gets its chance to release what it should.
    case settle
    /// After settle: the workload releases everything it owns.
    case tearDown

    public static func < (lhs: Phase, rhs: Phase) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
