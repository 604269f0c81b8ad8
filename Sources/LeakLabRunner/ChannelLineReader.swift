import Glibc

/// Splits the bytes a child writes on fd 3 into lines, each byte looked at once, with a cap on a
/// line's length: a child that writes megabytes without a newline costs the runner at most
/// ``maximumLineBytes`` of memory and linear time, and the overlong line is dropped and counted.
struct ChannelLineReader {
    /// The longest line kept, bytes. The longest message a host sends (its hello) is a few KiB.
    static let maximumLineBytes = 1 << 20

    private var partial: [UInt8] = []
    /// Inside an overlong line: drop bytes until the next newline.
    private var discarding = false
    /// Lines longer than the cap, dropped.
    private(set) var overlongLines = 0
    /// Bytes dropped with them.
    private(set) var discardedBytes = 0

    /// Feeds `bytes`; calls `onLine` with each complete line, without its newline. The slice is
    /// valid only during the call.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, onLine: (UnsafeRawBufferPointer) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let remaining = bytes.count - offset
            let found = memchr(base + offset, 0x0A, remaining)
            let length = found.map { UnsafeRawPointer($0) - (base + offset) } ?? remaining
            let piece = UnsafeRawBufferPointer(start: base + offset, count: length)
            if discarding {
                discardedBytes += length
                if found != nil { discarding = false }
            } else if partial.count + length > Self.maximumLineBytes {
                overlongLines += 1
                discardedBytes += partial.count + length
                partial = []
                discarding = found == nil
            } else if found != nil {
                if partial.isEmpty {
                    onLine(piece)
                } else {
                    partial.append(contentsOf: piece)
                    partial.withUnsafeBytes { onLine($0) }
                    partial.removeAll(keepingCapacity: partial.capacity <= 64 << 10)
                }
            } else {
                partial.append(contentsOf: piece)
            }
            offset += length + (found == nil ? 0 : 1)
        }
    }

    /// Bytes of an unfinished last line (no newline yet).
    var pendingBytes: Int { partial.count }
}

/// The last ``capacity`` bytes of a stream, in a fixed ring: what a child printed, kept at a
/// bounded cost however much it prints.
struct OutputTail {
    /// Bytes kept: enough for the end of a crash report or a runtime's error message.
    static let capacity = 64 << 10

    private var ring = [UInt8](repeating: 0, count: OutputTail.capacity)
    private var next = 0
    /// Everything written, bytes.
    private(set) var totalBytes = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        totalBytes += bytes.count
        // Only the last `capacity` bytes of a large write can survive.
        let kept = bytes.count > Self.capacity ? UnsafeRawBufferPointer(rebasing: bytes.suffix(Self.capacity)) : bytes
        var offset = 0
        while offset < kept.count {
            let run = min(kept.count - offset, Self.capacity - next)
            ring.withUnsafeMutableBytes { ringBytes in
                _ = memcpy(ringBytes.baseAddress! + next, kept.baseAddress! + offset, run)
            }
            next = (next + run) % Self.capacity
            offset += run
        }
    }

    /// How many bytes are kept.
    var keptBytes: Int { min(totalBytes, Self.capacity) }

    /// The last `limit` bytes kept, oldest first.
    func last(_ limit: Int) -> [UInt8] {
        let count = min(limit, keptBytes)
        let start = (next - count + Self.capacity) % Self.capacity
        if start + count <= Self.capacity { return Array(ring[start..<(start + count)]) }
        return Array(ring[start...] + ring[..<(start + count - Self.capacity)])
    }
}
