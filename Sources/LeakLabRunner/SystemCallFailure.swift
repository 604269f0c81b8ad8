import Glibc
import SystemPackage

/// A system call that failed, with the error it set, named: `pipe: Too many open files`, never
/// `errno 24`. Make it right after the call, before anything else can overwrite `errno`.
public struct SystemCallFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call, as a reader would look it up (`pipe`, `open /proc/self/stat`).
    public var call: String
    public var errno: Errno

    /// - Parameter errno: by default the calling thread's `errno` now.
    public init(_ call: String, errno: Errno = Errno(rawValue: Glibc.errno)) {
        self.call = call
        self.errno = errno
    }

    /// A call that returns its error instead of setting `errno` (`posix_spawn`).
    public init(_ call: String, code: Int32) {
        self.init(call, errno: Errno(rawValue: code))
    }

    public var description: String { "\(call): \(errno.description)" }
}
