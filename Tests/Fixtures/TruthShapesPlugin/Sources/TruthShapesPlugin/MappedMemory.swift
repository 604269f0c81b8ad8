import LeakLabKit

#if canImport(Glibc)
import Glibc
#endif

struct MapFailed: Error, CustomStringConvertible { var description: String { "mmap failed: errno \(errno)" } }

/// Maps 16 KiB of anonymous memory per iteration and touches every page; `unmap` gives it back.
final class MappedPages: ScenarioWorkload {
    let unmap: Bool
    init(unmap: Bool) { self.unmap = unmap }
    static let bytes = 16 * 1024
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard let region = mmap(nil, Self.bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            region != MAP_FAILED
        else { throw MapFailed() }
        for page in stride(from: 0, to: Self.bytes, by: 4096) { region.storeBytes(of: 1, toByteOffset: page, as: UInt8.self) }
        if unmap { munmap(region, Self.bytes) }
    }
}

let mappedMemoryScenario = Scenario(
    id: "truth-mapped-memory", title: "Memory from mmap, never unmapped", pattern: LeakPattern("unmanaged-memory"),
    summary: "16 KiB of touched anonymous pages per iteration, outside the malloc heap.", training: training,
    defaultIterations: 1_000,
    variants: [
        Variant(
            name: "never-unmapped", role: .leaky, summary: "mmap without munmap",
            truth: .leak(.nonHeapMemory(bytes: 16_384)),
            makeWorkload: { _ in MappedPages(unmap: false) }),
        Variant(
            name: "unmapped", role: .fixed, summary: "munmap before the iteration returns",
            truth: .clean(),
            makeWorkload: { _ in MappedPages(unmap: true) }),
    ])
