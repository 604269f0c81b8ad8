import Glibc

/// The function symbols of one ELF64 little-endian file (`.symtab`, else `.dynsym`), to name code
/// addresses a child reports as file offsets. Local symbols count: Swift's async resume points
/// (`…TQ0_`, `…TY0_`) are local, so `dladdr` cannot name them but `.symtab` can.
///
/// Reads the headers and the symbol and string tables only (`pread`), not the whole file, and
/// keeps each name as bytes until ``symbol(at:)`` returns it: a census names a handful of frames
/// in files of thousands of functions.
struct ELFSymbolTable {
    /// A function symbol: start and size as virtual addresses in the file's own layout.
    struct Symbol {
        var start: UInt64
        var size: UInt64
        var name: String
    }

    /// A function symbol as read: its name is at `nameOffset` in ``names``.
    private struct Entry {
        var start: UInt64
        var size: UInt64
        var nameOffset: Int
    }

    /// (file offset, size, virtual address) of each PT_LOAD segment.
    private var segments: [(offset: UInt64, size: UInt64, address: UInt64)] = []
    /// The function symbols, sorted by start.
    private var entries: [Entry] = []
    /// The string table of the symbol table read (NUL-terminated names).
    private var names: [UInt8] = []

    /// Reads `path`; `nil` when it is not a readable ELF64 little-endian file.
    init?(path: String) {
        // Non-blocking, and regular files only: the path comes from a child (a census's module),
        // and a FIFO there would block the runner. Every size read from the file is checked
        // against the file's own size, and every sum of two of them for overflow: a hostile or
        // truncated file gives nil or fewer symbols, never a trap.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let fileSize = UInt64(max(0, status.st_size))
        func read(_ offset: UInt64, _ count: UInt64) -> [UInt8]? {
            guard offset <= fileSize, count <= fileSize - offset else { return nil }
            return Self.read(fd, offset: offset, count: count)
        }

        guard let header = read(0, 64), header.starts(with: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) else { return nil }
        let programHeaderSize = UInt64(header.littleEndian(0x36, as: UInt16.self))
        let programHeaderCount = UInt64(header.littleEndian(0x38, as: UInt16.self))
        if programHeaderSize >= 56,  // UInt16 × UInt16: no overflow
            let programHeaders = read(header.littleEndian(0x20, as: UInt64.self), programHeaderSize * programHeaderCount)
        {
            for index in 0..<Int(programHeaderCount) {
                let at = index * Int(programHeaderSize)
                guard programHeaders.littleEndian(at, as: UInt32.self) == 1 else { continue }  // PT_LOAD
                segments.append(
                    (
                        offset: programHeaders.littleEndian(at + 8, as: UInt64.self),
                        size: programHeaders.littleEndian(at + 32, as: UInt64.self),
                        address: programHeaders.littleEndian(at + 16, as: UInt64.self)
                    ))
            }
        }

        let sectionSize = Int(header.littleEndian(0x3A, as: UInt16.self))
        let sectionCount = Int(header.littleEndian(0x3C, as: UInt16.self))
        guard sectionSize >= 64,
            let sections = read(header.littleEndian(0x28, as: UInt64.self), UInt64(sectionSize * sectionCount))
        else { return nil }
        func section(_ index: Int) -> (type: UInt32, offset: UInt64, size: UInt64, link: Int, entrySize: UInt64) {
            let at = index * sectionSize
            return (
                sections.littleEndian(at + 4, as: UInt32.self), sections.littleEndian(at + 24, as: UInt64.self),
                sections.littleEndian(at + 32, as: UInt64.self), Int(sections.littleEndian(at + 40, as: UInt32.self)),
                sections.littleEndian(at + 56, as: UInt64.self)
            )
        }
        let sectionHeaders = (0..<sectionCount).map(section)
        // .symtab holds everything .dynsym does and the local symbols; fall back to .dynsym. One
        // table only (a file has at most one of each).
        guard let table = sectionHeaders.first(where: { $0.type == 2 }) ?? sectionHeaders.first(where: { $0.type == 11 }),
            table.entrySize >= 24, table.entrySize <= 1 << 16, table.link < sectionCount,
            let symbols = read(table.offset, table.size), let tableNames = read(sectionHeaders[table.link].offset, sectionHeaders[table.link].size)
        else { return }
        names = tableNames
        let entrySize = Int(table.entrySize)
        var at = 0
        while at + 24 <= symbols.count {
            let value = symbols.littleEndian(at + 8, as: UInt64.self)
            let name = Int(symbols.littleEndian(at, as: UInt32.self))
            if symbols[at + 4] & 0xF == 2, value != 0, name < tableNames.count {  // STT_FUNC
                entries.append(Entry(start: value, size: symbols.littleEndian(at + 16, as: UInt64.self), nameOffset: name))
            }
            at += entrySize
        }
        entries.sort { $0.start < $1.start }
    }

    /// The virtual address of a file offset, through the PT_LOAD segment that maps it.
    func address(ofFileOffset offset: UInt64) -> UInt64? {
        segments.first { offset >= $0.offset && offset - $0.offset < $0.size }.map { (offset - $0.offset) &+ $0.address }
    }

    /// The function symbol holding a virtual address.
    func symbol(at address: UInt64) -> Symbol? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let candidate = entries[low - 1]
        guard address - candidate.start < max(candidate.size, 1) else { return nil }  // start ≤ address
        let end = names[candidate.nameOffset...].firstIndex(of: 0) ?? names.endIndex
        return Symbol(start: candidate.start, size: candidate.size, name: String(decoding: names[candidate.nameOffset..<end], as: UTF8.self))
    }

    /// `count` bytes of `fd` from `offset`; `nil` past the end of the file, on an error, or for a
    /// size no ELF table has (over 1 GiB: a corrupt header).
    private static func read(_ fd: Int32, offset: UInt64, count: UInt64) -> [UInt8]? {
        guard count <= 1 << 30, offset <= UInt64(Int64.max) - count else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(count))
        var done = 0
        while done < bytes.count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }
}

extension [UInt8] {
    /// The little-endian integer at byte `offset`; 0 when it does not fit (a truncated file).
    fileprivate func littleEndian<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
        guard offset >= 0, offset + MemoryLayout<T>.size <= count else { return 0 }
        return withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
