import Foundation

/// The function symbols of one ELF64 little-endian file (`.symtab`, else `.dynsym`), to name code
/// addresses a child reports as file offsets. Local symbols count: Swift's async resume points
/// (`…TQ0_`, `…TY0_`) are local, so `dladdr` cannot name them but `.symtab` can.
struct ELFSymbolTable {
    /// A function symbol: start and size as virtual addresses in the file's own layout.
    struct Symbol {
        var start: UInt64
        var size: UInt64
        var name: String
    }

    /// (file offset, size, virtual address) of each PT_LOAD segment.
    private var segments: [(offset: UInt64, size: UInt64, address: UInt64)] = []
    /// Sorted by start.
    private(set) var symbols: [Symbol] = []

    /// Reads `path`; `nil` when it is not a readable ELF64 little-endian file.
    init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path), data.count > 64 else { return nil }
        let bytes = [UInt8](data)
        guard bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46, bytes[4] == 2, bytes[5] == 1 else { return nil }
        func u16(_ at: Int) -> Int { at + 2 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : 0 }
        func u32(_ at: Int) -> UInt32 {
            guard at + 4 <= bytes.count else { return 0 }
            return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
        }
        func u64(_ at: Int) -> UInt64 {
            guard at + 8 <= bytes.count else { return 0 }
            return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
        }
        let programHeaders = Int(u64(0x20)), programHeaderSize = u16(0x36), programHeaderCount = u16(0x38)
        for index in 0..<programHeaderCount {
            let at = programHeaders + index * programHeaderSize
            guard u32(at) == 1 else { continue }  // PT_LOAD
            segments.append((offset: u64(at + 8), size: u64(at + 32), address: u64(at + 16)))
        }
        let sections = Int(u64(0x28)), sectionSize = u16(0x3A), sectionCount = u16(0x3C)
        var tables: [(type: UInt32, offset: Int, size: Int, entry: Int, strings: Int)] = []
        for index in 0..<sectionCount {
            let at = sections + index * sectionSize
            let type = u32(at + 4)
            guard type == 2 || type == 11 else { continue }  // SHT_SYMTAB, SHT_DYNSYM
            let link = Int(u32(at + 40))
            let stringsAt = sections + link * sectionSize
            tables.append((type, Int(u64(at + 24)), Int(u64(at + 32)), Int(u64(at + 56)), Int(u64(stringsAt + 24))))
        }
        // .symtab holds everything .dynsym does and the local symbols; fall back to .dynsym.
        let chosen = tables.filter { $0.type == 2 }.isEmpty ? tables : tables.filter { $0.type == 2 }
        for table in chosen where table.entry >= 24 {
            var at = table.offset
            while at + 24 <= table.offset + table.size, at + 24 <= bytes.count {
                let info = bytes[at + 4]
                let value = u64(at + 8), size = u64(at + 16)
                if info & 0xF == 2, value != 0 {  // STT_FUNC
                    var end = table.strings + Int(u32(at))
                    let start = end
                    while end < bytes.count, bytes[end] != 0 { end += 1 }
                    symbols.append(Symbol(start: value, size: size, name: String(decoding: bytes[start..<end], as: UTF8.self)))
                }
                at += 24
            }
        }
        symbols.sort { $0.start < $1.start }
    }

    /// The virtual address of a file offset, through the PT_LOAD segment that maps it.
    func address(ofFileOffset offset: UInt64) -> UInt64? {
        segments.first { offset >= $0.offset && offset < $0.offset + $0.size }.map { offset - $0.offset + $0.address }
    }

    /// The function symbol holding a virtual address.
    func symbol(at address: UInt64) -> Symbol? {
        var low = 0, high = symbols.count
        while low < high {
            let mid = (low + high) / 2
            if symbols[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let candidate = symbols[low - 1]
        return address < candidate.start + max(candidate.size, 1) ? candidate : nil
    }
}
