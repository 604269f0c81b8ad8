import Foundation
import Glibc

/// What a report path (`--json`, `--junit`, `--html`, a baseline) names, and how to write to it
/// without harming what is there.
///
/// A regular file (or a path that does not exist yet) is written atomically: a temporary file
/// beside it, then renamed over it, so a reader never sees half a report. A symbolic link is
/// followed, so its target is written and the link kept. A device, a FIFO or a socket
/// (`/dev/stdout`, `/dev/null`, a named pipe to a reader) is written through, as a shell's `>`
/// would, and never replaced: renaming a file over `/dev/null` as root would break the machine.
public enum ReportFile {
    /// The kind of thing at a path, following symbolic links.
    public enum Kind: Equatable, Sendable {
        case missing, regular, directory
        /// A device, FIFO or socket: `description` names which.
        case special(String)
    }

    /// What `path` names, following symbolic links.
    public static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFCHR: return .special("a character device")
        case S_IFBLK: return .special("a block device")
        case S_IFIFO: return .special("a FIFO")
        case S_IFSOCK: return .special("a socket")
        default: return .special("not a regular file")
        }
    }

    /// Whether `path` is a device, FIFO or socket: written through once, never rewritten or
    /// replaced, and with no journal beside it.
    public static func isWrittenThrough(_ path: String) -> Bool {
        if case .special = kind(of: path) { return true }
        return false
    }

    /// The path a write goes to: a symbolic link's target, followed link by link (up to 40, as
    /// the kernel does) even where the last one does not exist yet, else `path`.
    public static func target(of path: String) -> String {
        var current = path
        for _ in 0..<40 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            current =
                destination.hasPrefix("/") ? destination : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        }
        return current
    }

    /// Writes `data` to `path` as described above.
    /// - Throws: the underlying file error; callers name the option and path
    ///   (`JSONOutput.write(_:to:)`).
    public static func write(_ data: Data, to path: String) throws {
        if isWrittenThrough(path) {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            return
        }
        try data.write(to: URL(fileURLWithPath: target(of: path)), options: .atomic)
    }
}
