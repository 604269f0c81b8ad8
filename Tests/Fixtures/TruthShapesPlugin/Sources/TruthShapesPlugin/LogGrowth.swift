import LeakLabKit

/// A cache whose key count grows like log₂ of the iteration: unbounded, but ever slower.
final class LogarithmicKeys: ScenarioWorkload {
    var cache: [Int: [UInt8]] = [:]
    let keysPerDoubling: Int
    init(keysPerDoubling: Int) { self.keysPerDoubling = keysPerDoubling }
    func setUp(context: ScenarioContext) async throws { cache.reserveCapacity(4_096) }
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let wanted = keysPerDoubling * (Int.bitWidth - (index + 2).leadingZeroBitCount)
        while cache.count < wanted { cache[cache.count] = [UInt8](repeating: 7, count: 1_000) }
    }
}

let logGrowthScenario = Scenario(
    id: "truth-log-growth", title: "A cache whose keys grow like log n", pattern: .unboundedCache,
    summary: "Each doubling of the iterations adds `keys-per-doubling` entries of 1 KB.", training: training,
    parameters: [.integer("keys-per-doubling", default: 128, range: 1...1_000, help: "entries added per doubling")],
    variants: [
        Variant(
            name: "log-keys", role: .leaky, summary: "keys grow like log₂(iteration)",
            truth: .leak(.heap(.reachable, bytes: 0, objects: 0), shape: .sublinear(.logarithmic)),
            makeWorkload: { LogarithmicKeys(keysPerDoubling: $0.integer("keys-per-doubling")) })
    ])
