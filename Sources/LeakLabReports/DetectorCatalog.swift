import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// Every detector the lab knows, of every kind, in one list: the built-in trace detectors
/// (``DetectorRegistry``), then the external tools (``ExternalTool``). `--detectors` names are
/// resolved here; `detectors`, `explain` and the HTML report read who sees what from here.
/// `--detector-cmd` programs are the user's and are not listed.
public enum DetectorCatalog {
    /// Built-ins in registry order, then tools.
    public static func all(log: @escaping @Sendable (String) -> Void = { _ in }) -> [any Detecting] {
        DetectorRegistry.builtIns + ExternalTool.allCases.map { ToolDetector(tool: $0, log: log) }
    }

    /// Every name `--detectors` accepts.
    public static var names: [String] { DetectorRegistry.names + ExternalTool.names }

    /// What `--detectors` (and `--detector-cmd`) chose: the detectors that judge the trace, in
    /// order, and the tools that run the variant again.
    public struct Selection {
        public var traceDetectors: [any LeakDetector]
        public var tools: [ToolDetector]
    }

    /// Resolves comma-separated names (nil: every built-in, no tool) and user commands.
    /// - Throws: ``SelectionError`` naming an unknown detector, an empty name (`a,,b`), a command
    ///   that cannot be split, or two detectors with one name.
    public static func select(
        _ names: String?, commands: [String], commandTimeout: Double, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(SelectionError) -> Selection {
        var chosen: [any LeakDetector] = []
        var tools: [ToolDetector] = []
        if let names {
            for name in names.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard !name.isEmpty else {
                    throw SelectionError("--detectors '\(names)' has an empty name; separate the names with single commas, e.g. trend,memcheck")
                }
                if let tool = ExternalTool(rawValue: name) {
                    tools.append(ToolDetector(tool: tool, log: log))
                } else if let detector = DetectorRegistry.detector(named: name) {
                    chosen.append(detector)
                } else {
                    throw SelectionError(
                        "unknown detector '\(name)'; the built-ins are \(DetectorRegistry.names.joined(separator: ", ")), the tools \(ExternalTool.names.joined(separator: ", ")); use --detector-cmd for your own"
                    )
                }
            }
        } else {
            chosen = DetectorRegistry.builtIns
        }
        for command in commands {
            do {
                chosen.append(try CommandDetector(command: command, timeout: commandTimeout))
            } catch {
                throw SelectionError("--detector-cmd '\(command)': \(error)")
            }
        }
        var seen = Set<String>(ExternalTool.names)
        for detector in chosen where !seen.insert(detector.name).inserted {
            throw SelectionError("two detectors are called '\(detector.name)'; each must have its own name")
        }
        return Selection(traceDetectors: chosen, tools: tools)
    }

    /// Why `--detectors` or `--detector-cmd` was refused.
    public struct SelectionError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
