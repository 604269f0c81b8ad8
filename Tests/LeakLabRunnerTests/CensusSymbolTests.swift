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
}
