import Glibc
import Synchronization

extension ELFSymbolTable {
    /// The table of `path`, read once per version of the file for the life of the process.
    ///
    /// Every run of a matrix names frames in the same few files (the host, the concurrency
    /// runtime, the scenario's plugin), and reading one (its symbol and string tables, a sort of
    /// thousands of symbols) costs a millisecond or more each time. A version of a file is
    /// known by its device, inode, size, modification and status-change times, so a plugin
    /// rebuilt or copied over is read again (a copy may keep the old mtime and, on a reused inode,
    /// the old size; no copy keeps the ctime, which the kernel sets). A file that changes while it
    /// is read is not kept; one entry per path, so a rebuilt plugin replaces its old table.
    /// `nil` as ``init(path:)`` gives it: not a readable ELF64 little-endian file.
    static func cached(path: String) -> ELFSymbolTable? {
        guard let before = FileIdentity(path: path) else { return nil }
        if let known = cache.withLock({ $0[path] }), known.identity == before { return known.table }
        let table = ELFSymbolTable(path: path)
        if FileIdentity(path: path) == before {
            cache.withLock { $0[path] = (before, table) }
        }
        return table
    }

    /// What tells one version of a file from another without reading it (`stat`).
    private struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec

        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            modified = status.st_mtim
            changed = status.st_ctim
        }

        static func == (a: Self, b: Self) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }

    /// The last table read for each path, with the version it was read from (`nil` table: the
    /// file is not one this type can read).
    private static let cache = Mutex<[String: (identity: FileIdentity, table: ELFSymbolTable?)]>([:])
}
