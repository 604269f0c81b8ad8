import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabReports
import LeakLabRunner

/// Which detectors judge each run: built-ins and tools by name (``DetectorCatalog``), and user
/// programs.
struct DetectorOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Comma-separated detectors: built-ins (default: all of them) and tools (\(ExternalTool.names.joined(separator: ", ")); each runs the variant again); `leaklab detectors` lists them.",
            valueName: "names"))
    var detectors: String?

    @Option(
        name: .customLong("detector-cmd"),
        help: ArgumentHelp(
            "A program that reads a trace as JSON on stdin and prints a verdict (repeatable; run without a shell). See docs/detector-protocol.md.",
            valueName: "command"))
    var detectorCommands: [String] = []

    @Option(name: .customLong("detector-timeout"), help: ArgumentHelp("Seconds a --detector-cmd program may take per trace.", valueName: "seconds"))
    var detectorTimeout: Double = 10

    func validate() throws {
        _ = try selection()
        guard detectorTimeout > 0 else { throw ValidationError("--detector-timeout must be positive") }
    }

    func selection() throws -> DetectorCatalog.Selection {
        do {
            return try DetectorCatalog.select(
                detectors, commands: detectorCommands, commandTimeout: detectorTimeout,
                log: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The detectors that judge the trace, in order: the named built-ins, then the programs.
    func resolve() throws -> [any LeakDetector] { try selection().traceDetectors }

    /// The tool detectors named in `--detectors`, in order. They run the variant again under the
    /// tool, so they are never part of the default set.
    func tools() -> [ToolDetector] { (try? selection())?.tools ?? [] }
}
