import LeakLabModel

extension Memcheck {
    /// What memcheck sees lost per iteration of `plan` (``ReachabilityGrowth``): its leak summary
    /// at N and 2N workload iterations (N: the plan's own), the growth between them over the
    /// extra iterations. `audit --reachability` checks declared reachability against it.
    /// - Returns: the growth, or why valgrind gave none (not installed, the run failed).
    public static func reachabilityGrowth(_ plan: RunPlan, hostExecutable: String) -> Result<ReachabilityGrowth, ToolFailure> {
        guard let valgrind = ToolFiles.which("valgrind") else { return .failure(ToolFailure(reason: missing)) }
        let n = plan.workloadIterations ?? plan.entry.scenario.defaultIterations
        let short: Measurement, long: Measurement
        switch measure(plan, workload: n, valgrind: valgrind, hostExecutable: hostExecutable) {
        case .failure(let failure): return .failure(ToolFailure(reason: failure.reason))
        case .success(let measured): short = measured
        }
        switch measure(plan, workload: 2 * n, valgrind: valgrind, hostExecutable: hostExecutable) {
        case .failure(let failure): return .failure(ToolFailure(reason: failure.reason + " (the 2N run)"))
        case .success(let measured): long = measured
        }
        let extra = Double(max(1, long.iterations - short.iterations))
        func per(_ value: Int) -> Double { Double(value) / extra }
        let lost = long.summary.lost, lostBefore = short.summary.lost
        let possibly = long.summary.possiblyLost, possiblyBefore = short.summary.possiblyLost
        return .success(
            ReachabilityGrowth(
                lostBlocks: per(lost.blocks - lostBefore.blocks), possiblyLostBlocks: per(possibly.blocks - possiblyBefore.blocks),
                lostBytes: per(lost.bytes - lostBefore.bytes),
                note:
                    "memcheck at \(short.iterations) and \(long.iterations) it.: lost \(lostBefore.blocks) → \(lost.blocks) blocks, possibly lost \(possiblyBefore.blocks) → \(possibly.blocks)"
            ))
    }
}

/// Why a tool gave no measurement.
public struct ToolFailure: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
