import Foundation
import LeakLabModel
import LeakLabRunner
import Testing

/// The runner names census frames from each module's symbol table, read once per file for the
/// life of the process; a file rebuilt in place must be read again.
@Suite struct CensusSymbolTests {
    /// Compiles `source` (C) into a shared library at `path` with the system's `cc`.
    static func compile(_ source: String, to path: String) throws {
        let sourcePath = path + ".c"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let (status, _) = try Self.run("/usr/bin/cc", ["-shared", "-fPIC", "-O1", "-o", path, sourcePath])
        try #require(status == 0, "cc failed on \(sourcePath)")
    }

    /// The address `nm` gives `symbol` in `library`. In a small library cc links, the text
    /// segment's file offsets equal its addresses, so this is also the file offset a census reports.
    static func address(of symbol: String, in library: String) throws -> Int {
        let (_, output) = try Self.run("/usr/bin/nm", [library])
        let line = try #require(output.split(separator: "\n").first { $0.hasSuffix(" \(symbol)") })
        return try #require(Int(line.prefix { $0 != " " }, radix: 16))
    }

    /// Runs `executable` to its end: its exit status and standard output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    static func census(module: String, offset: Int) -> TaskCensus {
        TaskCensus(
            phase: .settle, iteration: 0, tasks: 1, completed: 0, ungrouped: 0, millis: 0, modules: [module],
            groups: [.init(count: 1, state: .suspended, cancelled: false, frames: [.init(module: 0, offset: offset)])])
    }

    @Test func aModuleRebuiltInPlaceIsReadAgain() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leaklab-symbols-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = "\(directory)/first.so", second = "\(directory)/second.so", module = "\(directory)/libscenario.so"
        try Self.compile("int leaklab_first_waits(int x) { return x * 3 + 1; }\n", to: first)
        try Self.compile("int leaklab_second_waits(int x) { return x * 5 + 2; }\n", to: second)

        try FileManager.default.copyItem(atPath: first, toPath: module)
        let firstOffset = try Self.address(of: "leaklab_first_waits", in: first)
        let named = Self.census(module: module, offset: firstOffset).symbolized()
        #expect(named.groups[0].frames[0].function == "leaklab_first_waits")
        // Read again from the cache: the same name.
        #expect(Self.census(module: module, offset: firstOffset).symbolized().groups[0].frames[0].function == "leaklab_first_waits")

        // Rebuilt in place (a new file at the same path, as a build writes it).
        try FileManager.default.removeItem(atPath: module)
        try FileManager.default.copyItem(atPath: second, toPath: module)
        let secondOffset = try Self.address(of: "leaklab_second_waits", in: second)
        let renamed = Self.census(module: module, offset: secondOffset).symbolized()
        #expect(renamed.groups[0].frames[0].function == "leaklab_second_waits")
    }

    /// The module a census names comes from the child, so a plugin decides which file the runner
    /// reads: a truncated or hostile ELF file, a FIFO, or a negative offset leaves the frame
    /// unnamed and never stops the runner (a trap here would end it).
    @Test func aMalformedOrHostileModuleLeavesTheFrameUnnamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leaklab-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = "\(directory)/good.so"
        try Self.compile("int leaklab_hostile_waits(int x) { return x * 7 + 3; }\n", to: good)
        let offset = try Self.address(of: "leaklab_hostile_waits", in: good)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
        #expect(Self.census(module: good, offset: offset).symbolized().groups[0].frames[0].function == "leaklab_hostile_waits")

        func field(_ at: Int, _ width: Int) -> Int { (0..<width).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        func put(_ value: UInt64, at: Int, into copy: inout [UInt8]) {
            for index in 0..<8 { copy[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        let sections = field(0x28, 8), sectionSize = field(0x3A, 2), sectionCount = field(0x3C, 2)
        let symbolTable = try #require((0..<sectionCount).map { sections + $0 * sectionSize }.first { field($0 + 4, 4) == 2 })
        let programHeaders = field(0x20, 8), programHeaderSize = field(0x36, 2), programHeaderCount = field(0x38, 2)

        var hostile: [(String, [UInt8])] = [("truncated", Array(bytes.prefix(100)))]
        var copy = bytes
        put(1 << 63, at: symbolTable + 56, into: &copy)  // sh_entsize
        hostile.append(("huge entry size", copy))
        copy = bytes
        put(.max, at: symbolTable + 32, into: &copy)  // sh_size
        hostile.append(("huge table", copy))
        copy = bytes
        put(.max - 8, at: symbolTable + 24, into: &copy)  // sh_offset
        hostile.append(("table past the end", copy))
        copy = bytes
        for index in 0..<programHeaderCount {
            put(.max - 16, at: programHeaders + index * programHeaderSize + 8, into: &copy)  // p_offset
            put(.max, at: programHeaders + index * programHeaderSize + 32, into: &copy)  // p_filesz
        }
        hostile.append(("segments at the top of the address space", copy))
        copy = bytes
        let symbols = field(symbolTable + 24, 8), symbolsSize = field(symbolTable + 32, 8)
        for at in stride(from: symbols, to: symbols + symbolsSize, by: 24) {
            put(.max - 4, at: at + 8, into: &copy)  // st_value
            put(.max, at: at + 16, into: &copy)  // st_size
        }
        hostile.append(("symbols at the top of the address space", copy))
        for (name, contents) in hostile {
            let path = "\(directory)/\(name.replacingOccurrences(of: " ", with: "-")).so"
            try Data(contents).write(to: URL(fileURLWithPath: path))
            let named = Self.census(module: path, offset: offset).symbolized()
            #expect(named.groups[0].frames[0].function == nil, "\(name): \(named.groups[0].frames[0].function ?? "")")
        }

        let fifo = "\(directory)/fifo.so"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(Self.census(module: fifo, offset: offset).symbolized().groups[0].frames[0].function == nil, "a FIFO is not read")
        #expect(Self.census(module: good, offset: -offset).symbolized().groups[0].frames[0].function == nil, "a negative offset")
    }
}
