import Foundation
import LeakLabModel

/// Writes messages to the runner, one JSON object a line, each flushed with `write(2)` at once
/// so that a child that dies has already handed over everything it measured.
final class ChannelWriter {
    private let fd: Int32
    private let encoder = JSONEncoder()
    private var sampleEncoder = SampleLineEncoder()

    init(fd: Int32) {
        self.fd = fd
    }

    func send(_ message: ChildMessage) {
        if case .sample(let sample) = message {
            // The hot path: between iterations, so no Foundation and no allocation.
            writeAll(UnsafeRawBufferPointer(sampleEncoder.encode(sample)))
            return
        }
        guard var data = try? encoder.encode(message) else { return }
        data.append(UInt8(ascii: "\n"))
        data.withUnsafeBytes { writeAll($0) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                // EPIPE: the runner has gone, nobody is left to report to. Anything else (EBADF,
                // ENOTSOCK…): the scenario closed or replaced fd 3, and the runner must hear why.
                _exit(errno == EPIPE ? Host.ExitCode.runnerGone.rawValue : Host.ExitCode.channelClosed.rawValue)
            }
            offset += written
        }
    }
}
