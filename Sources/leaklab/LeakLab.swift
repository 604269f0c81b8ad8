import ArgumentParser
import Foundation
import LeakLabReports
import LeakLabRunner

/// `leaklab`: the leak-simulation lab.
@main
struct LeakLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaklab",
        abstract: "A lab of leak patterns in Swift: run them, measure them, score leak detectors against their known truth.",
        discussion: """
            Scenario plugins are loaded from the build's products directory, from every --plugins DIR \
            and from LEAKLAB_PLUGIN_PATH (colon-separated). Each run is a fresh child process under the \
            chosen allocator (jemalloc by default).

            Exit codes: 0 success; 1 a check failed; 2 bad usage or input; 3 an internal failure.
            """,
        version: LeakLabVersion.description,
        subcommands: [
            ListCommand.self, ExplainCommand.self, RunCommand.self, AuditCommand.self, ValidateCommand.self, CompareAllocatorsCommand.self, MergeCommand.self,
            DetectorsCommand.self, TourCommand.self, PowerCommand.self,
        ])

    /// Parses and runs, mapping errors onto the lab's exit codes (README, "Exit codes"): argument-parser's
    /// usage errors (its exit 64) become 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as RunnerError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(LabExitCode.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// The lab's exit codes.
enum LabExitCode: Int32 {
    case success = 0
    case checkFailed = 1
    case usage = 2
    case internalFailure = 3
}
