import Foundation
import LeakLabModel
import LeakLabRunner

/// Appends each finished run to a JSON Lines file the moment it is in, so an interrupted
/// campaign (Ctrl-C, SIGTERM, a crash of the runner) leaves every finished run on disk.
final class RunJournal: @unchecked Sendable {
    private let handle: FileHandle
    private let encoder = JSONEncoder()
    let path: String

    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw RunnerError.usage("cannot write the journal \(path)")
        }
        self.handle = handle
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Called from the matrix runner's serialised callback.
    func append(_ record: RunRecord) {
        guard var line = try? encoder.encode(record) else { return }
        line.append(UInt8(ascii: "\n"))
        handle.write(line)
    }

    deinit { try? handle.close() }
}
