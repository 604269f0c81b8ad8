import LeakLabKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Stands in for a C API that takes a string: a logger writing to /dev/null. It must really read
/// the string: the optimizer removes a strdup whose copy nobody reads.
@inline(never)
func cAPIConsume(_ string: UnsafePointer<CChar>) -> Int {
    let fd = open("/dev/null", O_WRONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    return write(fd, string, strlen(string))
}

// leaklab:begin allocate-never-deallocated
/// Allocates a scratch block per iteration and forgets to deallocate it.
final class RawBufferNeverDeallocated: ScenarioWorkload {
    let blockBytes: Int
    init(blockBytes: Int) { self.blockBytes = blockBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: blockBytes, alignment: 16)
        scratch.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: index), count: blockBytes)
        // No deallocate(): when `scratch` goes out of scope, the block is lost.
    }
}
// leaklab:end allocate-never-deallocated

// leaklab:begin deallocated-with-defer
/// The same block, deallocated on every path out.
final class RawBufferDeallocated: ScenarioWorkload {
    let blockBytes: Int
    init(blockBytes: Int) { self.blockBytes = blockBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: blockBytes, alignment: 16)
        defer { scratch.deallocate() }  // the fix
        scratch.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: index), count: blockBytes)
    }
}
// leaklab:end deallocated-with-defer

// leaklab:begin strdup-never-freed
/// Copies a Swift string into a malloc'ed C string for a C API and never frees the copy.
final class CStringNeverFreed: ScenarioWorkload {
    let message: String
    init(blockBytes: Int) { message = String(repeating: "x", count: blockBytes - 1) }  // + NUL = blockBytes

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard let cString = strdup(message) else { throw CAllocationError() }
        _ = cAPIConsume(cString)
        // No free(cString): the copy is lost.
    }
}
// leaklab:end strdup-never-freed

// leaklab:begin with-cstring
/// Lends the C API a temporary pointer instead of making a copy that must be freed.
final class CStringScoped: ScenarioWorkload {
    let message: String
    init(blockBytes: Int) { message = String(repeating: "x", count: blockBytes - 1) }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        _ = message.withCString { cAPIConsume($0) }  // the fix: valid for the closure only, nothing to free
    }
}
// leaklab:end with-cstring

struct CAllocationError: Error, CustomStringConvertible {
    var description: String { "strdup returned NULL: out of memory" }
}
