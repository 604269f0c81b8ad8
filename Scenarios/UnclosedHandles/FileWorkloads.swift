import LeakLabKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a header of a file per iteration. The file is /dev/null, so the header is always short.
final class HeaderReader: ScenarioWorkload {
    let path = "/dev/null"
    let closesWithDefer: Bool
    init(closesWithDefer: Bool) { self.closesWithDefer = closesWithDefer }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        _ = closesWithDefer ? try readHeaderClosingWithDefer(path) : try readHeaderClosingAtEnd(path)
    }
}

// leaklab:begin closed-on-happy-path-only
/// Returns the header's length, or nil when the file is too short to have one.
func readHeaderClosingAtEnd(_ path: String) throws -> Int? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw SystemCallError("open(\(path))") }
    var header = (UInt64(0), UInt64(0))
    let count = withUnsafeMutableBytes(of: &header) { read(fd, $0.baseAddress, $0.count) }
    if count < MemoryLayout.size(ofValue: header) {
        return nil  // early return: the close below is never reached
    }
    close(fd)
    return count
}
// leaklab:end closed-on-happy-path-only

// leaklab:begin closed-with-defer
/// The same function; `defer` closes the descriptor on every path out.
func readHeaderClosingWithDefer(_ path: String) throws -> Int? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw SystemCallError("open(\(path))") }
    defer { close(fd) }
    var header = (UInt64(0), UInt64(0))
    let count = withUnsafeMutableBytes(of: &header) { read(fd, $0.baseAddress, $0.count) }
    if count < MemoryLayout.size(ofValue: header) {
        return nil
    }
    return count
}
// leaklab:end closed-with-defer
