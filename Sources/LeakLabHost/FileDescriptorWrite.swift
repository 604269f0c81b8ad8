import Glibc

/// The host's one loop for writing a buffer in full to a descriptor: retried after a signal
/// (EINTR) and after a short write. Allocation-free, so the channel can use it between iterations.
enum FileDescriptorWrite {
    /// Writes every byte of `bytes` to `fd`; `nil` when done, else the `errno` of the write that failed.
    static func all(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
}
