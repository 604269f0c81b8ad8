import Foundation
import LeakLabModel
import LeakLabRunner

/// Pretty, stable JSON: every document the lab writes (`--json FILE`, `list --json`,
/// `explain --json`) goes through here, sorted keys and unescaped slashes, so files diff well.
public enum JSONOutput {
    /// The encoder every document is written with.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The document as text, for stdout.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// Writes the document to `path` (see ``write(_:to:)-(Data,_)``).
    /// - Throws: `RunnerError.usage` naming the file when it cannot be written.
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        let data = try encoder().encode(value)
        try write(data, to: path)
    }

    /// Writes text (JUnit XML, HTML) or data to `path`: atomically to a file, through a device
    /// or FIFO, never replacing one (``ReportFile``).
    /// - Throws: `RunnerError.usage` naming the file when it cannot be written.
    public static func write(_ data: Data, to path: String) throws {
        do {
            try ReportFile.write(data, to: path)
        } catch {
            throw RunnerError.usage("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// `run --json`: one record (schema `leaklab.run/1`), or several under `runs` (`leaklab.runs/1`).
public enum RunJSON {
    public struct Many: Codable {
        public static let currentSchema = "leaklab.runs/1"
        public var schema = Many.currentSchema
        public var runs: [RunRecord]

        public init(runs: [RunRecord]) { self.runs = runs }
    }

    public static func write(_ records: [RunRecord], to path: String) throws {
        if records.count == 1 {
            try JSONOutput.write(records[0], to: path)
        } else {
            try JSONOutput.write(Many(runs: records), to: path)
        }
    }
}
