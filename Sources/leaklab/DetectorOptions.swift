import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabReports
import LeakLabRunner

/// Which detectors judge each run: built-ins by name, and user programs.
struct DetectorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Comma-separated built-in detectors (default: all; `leaklab detectors` lists them).", valueName: "names"))
    var detectors: String?

    @Option(name: .customLong("detector-cmd"), help: ArgumentHelp("A program that reads a trace as JSON on stdin and prints a verdict (repeatable; run without a shell). See docs/detector-protocol.md.", valueName: "command"))
    var detectorCommands: [String] = []

    @Option(name: .customLong("detector-timeout"), help: ArgumentHelp("Seconds a --detector-cmd program may take per trace.", valueName: "seconds"))
    var detectorTimeout: Double = 10

    func validate() throws {
        _ = try resolve()
        guard detectorTimeout > 0 else { throw ValidationError("--detector-timeout must be positive") }
    }

    /// The detectors, in order: the named built-ins, then the programs.
    func resolve() throws -> [any LeakDetector] {
        var chosen: [any LeakDetector] = []
        if let detectors {
            for name in detectors.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                if ExternalTool(rawValue: name) != nil { continue }  // a tool detector: see `tools()`
                guard let detector = DetectorRegistry.detector(named: name) else {
                    throw ValidationError("unknown detector '\(name)'; the built-ins are \(DetectorRegistry.names.joined(separator: ", ")), the tools \(ExternalTool.names.joined(separator: ", ")); use --detector-cmd for your own")
                }
                chosen.append(detector)
            }
        } else {
            chosen = DetectorRegistry.builtIns
        }
        for command in detectorCommands {
            do {
                chosen.append(try CommandDetector(command: command, timeout: detectorTimeout))
            } catch {
                throw ValidationError("--detector-cmd '\(command)': \(error)")
            }
        }
        var seen = Set<String>(ExternalTool.names)
        for detector in chosen where !seen.insert(detector.name).inserted {
            throw ValidationError("two detectors are called '\(detector.name)'; each must have its own name")
        }
        return chosen
    }

    /// The tool detectors named in `--detectors` (memcheck, lsan, heaptrack), in order. They run
    /// the variant again under the tool, so they are never part of the default set.
    func tools() -> [ToolDetector] {
        guard let detectors else { return [] }
        return detectors.split(separator: ",").compactMap { ExternalTool(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
            .map { ToolDetector(tool: $0, log: { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) }
    }
}
