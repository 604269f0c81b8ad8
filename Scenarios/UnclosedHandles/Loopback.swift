#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A TCP listener on 127.0.0.1 with a port the kernel picks, so the workload can play both the
/// server and the client of a connection without leaving the machine.
final class LoopbackServer {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError("socket") }
        var address = loopbackAddress(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = SystemCallError("bind(127.0.0.1)")
            Glibc.close(fd)
            throw error
        }
        guard listen(fd, 128) == 0 else {
            let error = SystemCallError("listen")
            Glibc.close(fd)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let error = SystemCallError("getsockname")
            Glibc.close(fd)
            throw error
        }
        self.fd = fd
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts one queued connection, sends a short response and closes the server's end, as an
    /// HTTP/1.0 server would.
    func serveOne() throws {
        let connection = accept(fd, nil, nil)
        guard connection >= 0 else { throw SystemCallError("accept") }
        defer { Glibc.close(connection) }
        let response = "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"
        _ = response.utf8CString.withUnsafeBufferPointer { write(connection, $0.baseAddress, $0.count - 1) }
    }

    func close() { Glibc.close(fd) }
}

/// Connects a new TCP socket to `port` on 127.0.0.1; the caller owns the descriptor.
func connectLoopback(port: UInt16) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SystemCallError("socket") }
    var address = loopbackAddress(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        let error = SystemCallError("connect(127.0.0.1:\(port))")
        close(fd)
        throw error
    }
    return fd
}

/// Reads until the peer closes; returns the number of bytes read.
func readToEnd(_ fd: Int32) -> Int {
    var total = 0
    var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    while true {
        let count = withUnsafeMutableBytes(of: &buffer) { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { return total }
        total += count
    }
}

private func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1, never anything else
    return address
}
