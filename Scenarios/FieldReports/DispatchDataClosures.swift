import Dispatch
import FieldReportsSupport
import LeakLabKit

/// swift-corelibs-libdispatch #186 (SR-3002, 2016): `DispatchData.enumerateBytes` leaked its block
/// on Linux; #850 (2024): `DispatchData.withUnsafeBytes` leaked the contiguous copy it mapped.
let dispatchDataScenario = Scenario(
    id: "field-dispatch-data",
    title: "DispatchData.enumerateBytes and withUnsafeBytes leaked on Linux (libdispatch #186, #850)",
    pattern: .runtime,
    summary: """
        A line reader gets `DispatchData` chunks from `DispatchIO` and reads them with \
        `enumerateBytes` or `withUnsafeBytes`. On Linux, `enumerateBytes` once leaked the block it \
        was given (2016), and `withUnsafeBytes` leaked the contiguous copy it made of a \
        multi-region value (found in SourceKit-LSP's JSON-RPC reader, fixed in 2024). Both fixed \
        upstream; on Swift 6.3.1 both variants here are measured below.
        """,
    training: Training(
        symptoms: """
            What users saw: a long-running reader of DispatchIO data (a language server's stdin) \
            growing with every message on Linux. Here, on Swift 6.3.1: see the variants' truth.
            """,
        detection: """
            Root cause (fixed): the Swift overlay of libdispatch bridged the closure to a C block \
            it never released (#186), and `withUnsafeBytes` called `dispatch_data_create_map` and \
            kept the result in a plain C value that nothing released (#850). Unreachable once the \
            call returns: memcheck and LeakSanitizer would report the copies, allocation trends \
            the slope.
            """,
        fix: """
            Upgrade (the overlay now calls `dispatch_data_apply` directly and wraps the mapped \
            copy in a `DispatchData` that releases it). For older toolchains: copy the bytes out \
            with `copyBytes(to:)` instead.
            """,
        mirrors: ""),
    parameters: [
        .integer("chunk-bytes", default: 512, range: 16...65_536, help: "bytes in each of the two regions of a chunk")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "enumerate-bytes", role: .fixed,
            summary: "each two-region chunk read with enumerateBytes (leaked its block before #186)",
            truth: .clean(note: "Measured 0 B and 0 allocations per chunk on Swift 6.3.1: the block is released (the fix of #186 holds)."),
            source: SourceLocation(region: "enumerate-bytes"),
            makeWorkload: { ChunkReader(regionBytes: $0.integer("chunk-bytes"), mapped: false) }),
        Variant(
            name: "with-unsafe-bytes", role: .fixed,
            summary: "each two-region chunk read with withUnsafeBytes (leaked its mapped copy before #850)",
            truth: .clean(note: "Measured 0 B and 0 allocations per chunk on Swift 6.3.1: the mapped copy is released (the fix of #850 is in this toolchain)."),
            source: SourceLocation(region: "with-unsafe-bytes"),
            makeWorkload: { ChunkReader(regionBytes: $0.integer("chunk-bytes"), mapped: true) }),
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-libdispatch/pull/186",
            title: "SR-3002: DispatchData.enumerateBytes on Linux leaks the block", date: "2016-10-24"),
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-libdispatch/pull/850",
            title: "Fix a memory leak in `DispatchData.withUnsafeBytes`", date: "2024-10-29"),
    ])

/// A chunk of two regions, as DispatchIO delivers data read in pieces.
func twoRegionChunk(regionBytes: Int, seed: Int) -> DispatchData {
    var chunk = DispatchData.empty
    for part in 0..<2 {
        let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: seed &+ part), count: regionBytes)
        bytes.withUnsafeBytes { chunk.append($0) }
    }
    return chunk
}

final class ChunkReader: ScenarioWorkload {
    let regionBytes: Int
    let mapped: Bool
    init(regionBytes: Int, mapped: Bool) {
        self.regionBytes = regionBytes
        self.mapped = mapped
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let chunk = twoRegionChunk(regionBytes: regionBytes, seed: index)
        _ = mapped ? newlinesWithUnsafeBytes(chunk) : newlinesEnumeratingBytes(chunk)
    }
}

// leaklab:begin enumerate-bytes
/// Counts newlines region by region.
func newlinesEnumeratingBytes(_ chunk: DispatchData) -> Int {
    var newlines = 0
    chunk.enumerateBytes { region, _, _ in
        newlines += region.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }
    return newlines
}
// leaklab:end enumerate-bytes

// leaklab:begin with-unsafe-bytes
/// Counts newlines over one contiguous view: libdispatch maps the regions into one copy.
func newlinesWithUnsafeBytes(_ chunk: DispatchData) -> Int {
    chunk.withUnsafeBytes { (bytes: UnsafePointer<UInt8>) in
        UnsafeBufferPointer(start: bytes, count: chunk.count).reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }
}
// leaklab:end with-unsafe-bytes
