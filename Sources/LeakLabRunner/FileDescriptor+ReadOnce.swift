import SystemPackage

extension FileDescriptor {
    /// Reads the file at `path` with one read(2) into `buffer`, for the small files of /proc and
    /// cgroupfs that the kernel hands over whole (`status`, `environ`, `pids.current`); the watchdog
    /// calls it every few milliseconds, so there is no Foundation here.
    ///
    /// - Returns: the number of bytes read into the start of `buffer` (at most `buffer.count`), or
    ///   nil when the file cannot be opened (the process is gone), cannot be read, or is empty.
    static func readOnce(_ path: String, into buffer: inout [UInt8]) -> Int? {
        guard let fd = try? path.withCString({ try FileDescriptor.open($0, .readOnly, options: .closeOnExec) }) else { return nil }
        defer { try? fd.close() }
        guard let count = try? buffer.withUnsafeMutableBytes({ try fd.read(into: $0) }), count > 0 else { return nil }
        return count
    }
}
