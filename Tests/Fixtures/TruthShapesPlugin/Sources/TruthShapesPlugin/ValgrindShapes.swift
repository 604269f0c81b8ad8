import LeakLabKit

/// Shapes from valgrind's own leak tests (memcheck/tests/leak-*.c), rebuilt in Swift.
final class HalfLostTree: ScenarioWorkload {
    let index = KeptBlocks()
    func setUp(context: ScenarioContext) async throws { index.reserve(context.warmUpIterations + context.workloadIterations) }
    func iteration(_ i: Int, context: ScenarioContext) async throws {
        // A 64 B node nobody points at, and a 48 B index entry the workload keeps.
        let node = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
        node.storeBytes(of: UInt64(i), as: UInt64.self)
        index.keep(bytes: 48)
    }
}

/// Keeps only a pointer into the middle of each block: valgrind's "possibly lost".
final class InteriorPointers: ScenarioWorkload {
    var interior: [UnsafeMutableRawPointer] = []
    func setUp(context: ScenarioContext) async throws { interior.reserveCapacity(context.warmUpIterations + context.workloadIterations) }
    func iteration(_ i: Int, context: ScenarioContext) async throws {
        let block = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 16)
        interior.append(block + 40)
    }
}

/// Loses a 20 B block per iteration, which jemalloc serves from its 32 B class.
final class TwentyBytes: ScenarioWorkload {
    func iteration(_ i: Int, context: ScenarioContext) async throws {
        let block = UnsafeMutableRawPointer.allocate(byteCount: 20, alignment: 1)
        block.storeBytes(of: UInt8(1), as: UInt8.self)
    }
}

/// Loses 110 blocks of 64 B once, in set-up, and nothing per iteration.
///
/// Each block is written, as real objects are. A fresh block still holds the allocator's
/// free-list link to the next one, so 110 untouched blocks form a chain, and a conservative scan
/// (the heap checker) that finds one stale pointer into it keeps the rest of the chain alive:
/// it counted 5 to 112 of these blocks from run to run.
final class OneOffLoss: ScenarioWorkload {
    func setUp(context: ScenarioContext) async throws {
        for _ in 0..<110 {
            UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16).initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        }
    }
    func iteration(_ i: Int, context: ScenarioContext) async throws {}
}

/// Builds a 64 KiB table halfway through the workload, on first use, and keeps it: a cost paid
/// once during the workload, not per iteration.
final class OneOffMidWorkload: ScenarioWorkload {
    var table: UnsafeMutableRawPointer?
    func iteration(_ i: Int, context: ScenarioContext) async throws {
        guard table == nil, i >= context.warmUpIterations + context.workloadIterations / 2 else { return }
        let block = UnsafeMutableRawPointer.allocate(byteCount: 65_536, alignment: 16)
        block.initializeMemory(as: UInt8.self, repeating: 1, count: 65_536)
        table = block
    }
}

let valgrindShapesScenario = Scenario(
    id: "truth-valgrind-shapes", title: "Shapes from valgrind's leak tests", pattern: LeakPattern("unmanaged-memory"),
    summary: "Half-lost trees, interior pointers, size classes and one-off losses.", training: training,
    defaultIterations: 2_000,
    variants: [
        Variant(
            name: "half-lost-tree", role: .leaky, summary: "64 B unreachable + 48 B reachable per iteration",
            truth: .leak(.heap(.unreachable, bytes: 64, objects: 1), .heap(.reachable, bytes: 48, objects: 1)),
            makeWorkload: { _ in HalfLostTree() }),
        Variant(
            name: "interior-pointer", role: .leaky, summary: "each block held only through a pointer into it",
            truth: .leak(.heap(.interior, bytes: 128, objects: 1), tolerance: Leakage(bytes: 10, objects: 0.05)),
            makeWorkload: { _ in InteriorPointers() }),
        Variant(
            name: "twenty-bytes", role: .leaky, summary: "a 20 B block lost per iteration (a 32 B size class)",
            truth: .leak(.heap(.unreachable, bytes: 32, requested: 20, objects: 1)),
            makeWorkload: { _ in TwentyBytes() }),
        Variant(
            name: "one-off-at-set-up", role: .fixed, summary: "110 blocks lost once, in set-up",
            truth: .clean(oneOff: Leakage(bytes: 110 * 64, objects: 110)),
            makeWorkload: { _ in OneOffLoss() }),
        Variant(
            name: "one-off-mid-workload", role: .fixed, summary: "a 64 KiB table built once, halfway through the workload, and kept",
            truth: .clean(oneOff: Leakage(bytes: 65_536, objects: 1)),
            makeWorkload: { _ in OneOffMidWorkload() }),
    ])
