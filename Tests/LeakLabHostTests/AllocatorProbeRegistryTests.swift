import Foundation
import LeakLabModel
import LeakLabProbes
import Testing

/// The child's allocator probes: one file each, all listed, one per allocator.
@Suite struct AllocatorProbeRegistryTests {
    @Test func theRegistryListsEveryAllocatorProbeInTheFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LeakLabProbes")
        var declared: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let pattern = /(?:struct|class) (\w+): AllocatorProbe/
            declared += text.matches(of: pattern).map { String($0.output.1) }
        }
        let listed = ProbeSet.allocatorProbes.map { String(describing: $0) }
        #expect(Set(declared) == Set(listed))
        #expect(Set(ProbeSet.allocatorProbes.map { $0.allocator }).count == listed.count, "one probe per allocator")
    }
}
