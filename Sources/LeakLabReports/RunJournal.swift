import Foundation
import LeakLabModel
import LeakLabRunner
import Synchronization

/// Appends each finished run to a JSON Lines file the moment it is in, so an interrupted
/// campaign (Ctrl-C, SIGTERM, a crash of the runner) leaves every finished run on disk, and
/// `validate --resume` can skip what is already there.
public final class RunJournal: Sendable {
    private let handle: FileHandle
    private let encoder = JSONEncoder()
    /// Whether the journal is sealed (appends are dropped), and how many lines it holds.
    private let state: Mutex<(sealed: Bool, lines: Int)>
    public let path: String

    /// What a journal on disk holds.
    public struct Contents {
        /// The runs, in the order they were journaled (a later line for the same cell wins).
        public var records: [RunRecord] = []
        /// Lines that are not a run: a last line cut short by a kill, or damage.
        public var unreadableLines: [Int] = []
    }

    /// Opens the journal at `path`. A fresh journal starts empty; with `keeping` (resume) the
    /// runs already read are written back first, so a line cut short by a kill is dropped
    /// rather than glued to the next one.
    public init(path: String, keeping: [RunRecord] = []) throws {
        self.path = path
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for record in keeping {
            guard let line = try? encoder.encode(record) else { continue }
            data.append(line)
            data.append(UInt8(ascii: "\n"))
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RunnerError.usage("cannot write the journal \(path): \(error.localizedDescription)")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw RunnerError.usage("cannot write the journal \(path)")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        self.state = Mutex((sealed: false, lines: keeping.count))
    }

    /// Reads a journal; a missing file is an empty journal. Unreadable lines are skipped and
    /// counted: the last one is normally a run cut short by a kill.
    public static func read(path: String) throws -> Contents {
        guard FileManager.default.fileExists(atPath: path) else { return Contents() }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RunnerError.usage("cannot read the journal \(path): \(error.localizedDescription)")
        }
        var contents = Contents()
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { !($0 == 32 || $0 == 9 || $0 == 13) }) else { continue }
            if let record = try? decoder.decode(RunRecord.self, from: Data(line)) {
                contents.records.append(record)
            } else {
                contents.unreadableLines.append(number + 1)
            }
        }
        return contents
    }

    /// Called from the matrix runner's serialised callback. Does nothing once sealed.
    public func append(_ record: RunRecord) {
        guard var line = try? encoder.encode(record) else { return }
        line.append(UInt8(ascii: "\n"))
        state.withLock { state in
            guard !state.sealed else { return }
            handle.write(line)
            state.lines += 1
        }
    }

    /// Stops appending (the command is being interrupted: runs killed from now on are not
    /// results). Returns how many runs the journal holds.
    @discardableResult
    public func seal() -> Int {
        state.withLock { state in
            state.sealed = true
            return state.lines
        }
    }

    deinit { try? handle.close() }
}
