import Foundation
import LeakLabRunner

/// Runs the built `leaklab` executable as a user would, capturing its output and exit code.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    static var executable: String { "\(Paths.executableDirectory)/leaklab" }

    /// Output goes to files rather than pipes: nothing can fill up and block, and no reader
    /// thread is needed (tests run on the concurrency runtime's few threads).
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let outPath = temporaryFile("stdout")
        let errPath = temporaryFile("stderr")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    static func temporaryFile(_ name: String) -> String {
        NSTemporaryDirectory() + "leaklab-cli-\(UUID().uuidString)-\(name)"
    }
}
