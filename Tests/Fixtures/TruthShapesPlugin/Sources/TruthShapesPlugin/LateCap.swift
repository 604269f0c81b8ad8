import LeakLabKit

/// A ring of `capacity` 256 B entries: it fills for `capacity` iterations, then each new entry
/// frees the oldest.
final class LateCapRing: ScenarioWorkload {
    let capacity: Int
    var ring: [UnsafeMutableRawPointer?]
    var next = 0
    init(capacity: Int) {
        self.capacity = capacity
        ring = Array(repeating: nil, count: capacity)
    }
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        ring[next]?.deallocate()
        ring[next] = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)
        next = (next + 1) % capacity
    }
    func tearDown(context: ScenarioContext) async throws {
        for entry in ring { entry?.deallocate() }
    }
}

let lateCapScenario = Scenario(
    id: "truth-late-cap", title: "A bounded cache that fills late", pattern: .unboundedCache,
    summary: "Full only after ~80 % of the default workload.", training: training,
    parameters: [.integer("capacity", default: 1_700, range: 1...1_000_000, help: "entries the ring holds")],
    variants: [
        Variant(
            name: "fills-late", role: .decoy, summary: "a ring of `capacity` entries",
            truth: { run in
                let capacity = run.parameters.integer("capacity")
                return .bounded(
                    cap: Leakage(bytes: Double(256 * capacity), objects: Double(capacity)),
                    reachedBy: .iteration(max(0, capacity - run.warmUpIterations)))
            },
            makeWorkload: { LateCapRing(capacity: $0.integer("capacity")) })
    ])
