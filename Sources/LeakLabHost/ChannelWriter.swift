import FoundationEssentials
import Glibc
import LeakLabModel

/// Writes messages to the runner: samples into the shared sample ring when the runner gave one
/// (no system call, no wake-up of the runner), everything else — and a sample the ring has no
/// room for — as one JSON object a line on the pipe, each flushed with `write(2)` at once, so
/// that a child that dies has already handed over everything it measured.
final class ChannelWriter {
    private let fd: Int32
    private let ring: SampleRing?
    private let encoder = JSONEncoder()
    private var sampleEncoder = SampleLineEncoder()
    /// Samples sent on the pipe because the ring was full.
    private(set) var overflowedSamples = 0

    init(fd: Int32, ring: SampleRing? = nil) {
        self.fd = fd
        self.ring = ring
    }

    /// Maps the ring the runner passed (``SampleRingChannel/environmentKey`` = `fd:capacity`) and
    /// closes its fd; nil when there is none or it cannot be used (the samples then go on the pipe).
    static func openRing(environment: [String: String]) -> SampleRing? {
        guard let value = environment[SampleRingChannel.environmentKey] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let fd = Int32(parts[0]), let capacity = Int(parts[1]), capacity > 0 else { return nil }
        defer { close(fd) }
        let bytes = SampleRing.byteCount(capacity: capacity)
        // MAP_POPULATE: every page is resident from the start, so the ring never shows up as RSS
        // growth in the samples it carries.
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else { return nil }
        let ring = SampleRing(base: mapped, capacity: capacity, initialize: false)
        guard ring.isValid else {
            munmap(mapped, bytes)
            return nil
        }
        return ring
    }

    func send(_ message: ChildMessage) {
        if case .sample(let sample) = message {
            // The hot path: between iterations, so no Foundation and no allocation.
            if let ring {
                if ring.append(sample) { return }
                overflowedSamples += 1
            }
            writeAll(UnsafeRawBufferPointer(sampleEncoder.encode(sample)))
            return
        }
        guard let json = try? encoder.encode(message) else { return }
        // A newline first: if the scenario left an unfinished line on fd 3 (garbage without a
        // newline), it ends there, and this message is read whole. The runner skips empty lines.
        // (When every sample went on the pipe, the next sample's line did this, at its own cost.)
        var data = Data([UInt8(ascii: "\n")])
        data.append(json)
        data.append(UInt8(ascii: "\n"))
        data.withUnsafeBytes { writeAll($0) }
    }

    /// Writes bytes already encoded as one message line (a census, encoded without allocating).
    func sendEncoded(_ line: UnsafeRawBufferPointer) {
        writeAll(line)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard let failure = FileDescriptorWrite.all(bytes, to: fd) else { return }
        // EPIPE: the runner has gone, nobody is left to report to. Anything else (EBADF,
        // ENOTSOCK…): the scenario closed or replaced fd 3, and the runner must hear why.
        _exit(failure == EPIPE ? Host.ExitCode.runnerGone.rawValue : Host.ExitCode.channelClosed.rawValue)
    }
}
