import LeakLabKit

extension TruthAudit {
    /// How far measured lost blocks per iteration may lie from the declared ones: a quarter of the
    /// heap blocks the variant declares per iteration, and 0.05 blocks (one block in 20
    /// iterations: what the runtime loses now and then on its own).
    static func reachabilityTolerance(heapObjects: Double) -> Double { 0.25 * heapObjects + 0.05 }

    /// A leak's declared reachability against what memcheck saw lost (``ReachabilityGrowth``):
    /// blocks declared unreachable must show as definitely or indirectly lost, blocks declared
    /// reachable must not, and blocks declared held by interior pointers show as possibly lost.
    /// Only for leaks that declare heap blocks; none when no reachability was measured.
    ///
    /// Measured counts are capped at the blocks declared per iteration: memcheck's runs use glibc,
    /// under which the runtime may lose a block more per iteration than jemalloc counted (seen:
    /// 5.2 lost blocks for the 4 a dropped checked continuation leaks). More lost than declared in
    /// all says every declared block is lost, which is what this check is about; how many blocks
    /// leak is the rate checks' business.
    static func reachabilityChecks(_ truth: GroundTruth, growth: ReachabilityGrowth?) -> [Check] {
        guard let growth, truth.verdict == .leak else { return [] }
        let heap = truth.parts.filter { $0.kind == .heap }
        let total = heap.reduce(0) { $0 + $1.objects }
        guard total > 0 else { return [] }
        func objects(_ reachability: LeakPart.Reachability) -> Double {
            heap.filter { ($0.reachability ?? .reachable) == reachability }.reduce(0) { $0 + $1.objects }
        }
        let tolerance = reachabilityTolerance(heapObjects: total)
        let unreachable = objects(.unreachable), interior = objects(.interior)
        var checks = [
            Check(
                name: "unreachable blocks (memcheck)", measured: "\(figure(growth.lostBlocks))/iteration lost",
                declared: declared(unreachable, tolerance) + " of \(figure(total)) heap blocks",
                passed: agrees(min(growth.lostBlocks, total), unreachable, tolerance))
        ]
        if interior > 0 || growth.possiblyLostBlocks > tolerance {
            checks.append(
                Check(
                    name: "interior-pointer blocks (memcheck)", measured: "\(figure(growth.possiblyLostBlocks))/iteration possibly lost",
                    declared: declared(interior, tolerance), passed: agrees(min(growth.possiblyLostBlocks, total), interior, tolerance)))
        }
        return checks
    }
}
