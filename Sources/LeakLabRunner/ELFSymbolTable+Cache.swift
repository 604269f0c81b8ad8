import Glibc
import Synchronization

extension ELFSymbolTable {
    /// The table of `path`, read once per file for the life of the process.
    ///
    /// Every run of a matrix names frames in the same few files (the host, the concurrency
    /// runtime, the scenario's plugin), and reading one (the whole file, a `String` per function
    /// symbol, a sort) cost more than the rest of a run's bookkeeping. A file is known by its
    /// device, inode, size, modification and status-change times, so a plugin rebuilt or copied
    /// over is read again (a copy may keep the old mtime and, on a reused inode, the old size; no
    /// copy keeps the ctime, which the kernel sets).
    /// `nil` as ``init(path:)`` gives it: not a readable ELF64 little-endian file.
    static func cached(path: String) -> ELFSymbolTable? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let identity = FileIdentity(
            path: path, device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
            modified: status.st_mtim.tv_sec, modifiedNanoseconds: status.st_mtim.tv_nsec,
            changed: status.st_ctim.tv_sec, changedNanoseconds: status.st_ctim.tv_nsec)
        if let known = cache.withLock({ $0[identity] }) { return known }
        let table = ELFSymbolTable(path: path)
        cache.withLock { $0[identity] = .some(table) }
        return table
    }

    /// What tells one version of a file from another without reading it.
    private struct FileIdentity: Hashable {
        var path: String
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int
        var modifiedNanoseconds: Int
        var changed: Int
        var changedNanoseconds: Int
    }

    /// Tables read so far (`nil`: the file is not one this type can read).
    private static let cache = Mutex<[FileIdentity: ELFSymbolTable?]>([:])
}
