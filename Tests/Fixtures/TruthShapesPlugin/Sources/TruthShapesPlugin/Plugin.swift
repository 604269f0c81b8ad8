import LeakLabKit

@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(
        name: "truth-shapes",
        scenarios: [onsetScenario, logGrowthScenario, lateCapScenario, mappedMemoryScenario, randomFDScenario, valgrindShapesScenario, outcomesScenario]
    ).export(apiVersion: apiVersion)
}

let training = Training(symptoms: "test-only", detection: "test-only", fix: "test-only")

/// Blocks of one size, kept in storage reserved up front so only the blocks themselves count.
final class KeptBlocks {
    var blocks: [UnsafeMutableRawPointer] = []
    func reserve(_ count: Int) { blocks.reserveCapacity(count) }
    func keep(bytes: Int) {
        let block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
        block.storeBytes(of: UInt8(1), as: UInt8.self)
        blocks.append(block)
    }
    func freeAll() {
        for block in blocks { block.deallocate() }
        blocks.removeAll(keepingCapacity: true)
    }
}
