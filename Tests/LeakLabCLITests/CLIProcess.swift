import Foundation
import LeakLabRunner

/// What a program printed and how it exited.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to its end with its output in files rather than pipes: nothing can fill up and
/// block (a build log exceeds a pipe's buffer), and no reader thread is needed (tests run on the
/// concurrency runtime's few threads, so nothing here awaits).
enum ProcessRunner {
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) -> CLIResult {
        let outPath = CLI.temporaryFile("stdout"), errPath = CLI.temporaryFile("stderr")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        do { try process.run() } catch {
            return CLIResult(status: -1, stdout: "", stderr: "could not start `\(([executable] + arguments).joined(separator: " "))`: \(error)")
        }
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

/// Runs a command found on PATH (`swift`, `cc`, `python3`).
enum Shell {
    static func run(_ arguments: [String]) -> CLIResult {
        ProcessRunner.run("/usr/bin/env", arguments)
    }
}

/// Runs the built `leaklab` executable as a user would.
enum CLI {
    static var executable: String { "\(Paths.executableDirectory)/leaklab" }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        ProcessRunner.run(executable, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    static func temporaryFile(_ name: String) -> String {
        NSTemporaryDirectory() + "leaklab-cli-\(UUID().uuidString)-\(name)"
    }
}
