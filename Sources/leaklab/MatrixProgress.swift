import Foundation

/// "runs done of total, time left" on stderr for matrix commands; redrawn in place on a
/// terminal, a line per run when piped, nothing with `quiet`.
final class MatrixProgress: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let quiet: Bool
    private let start = Date()
    private var done = 0

    init(total: Int, label: String, quiet: Bool = false) {
        self.total = total
        self.label = label
        self.quiet = quiet
    }

    /// Called once per finished run (the matrix runner serialises calls).
    func step(_ what: String) {
        done += 1
        guard !quiet else { return }
        let elapsed = Date().timeIntervalSince(start)
        let left = done < total ? elapsed / Double(done) * Double(total - done) : 0
        let line = "\(label) \(done)/\(total)  \(String(format: "%.0f", elapsed)) s, ~\(String(format: "%.0f", left)) s left  \(what)"
        Terminal.progress(Terminal.stderrIsTTY ? "\r\u{1B}[K" + line : line + "\n")
    }

    func finish() {
        if !quiet && Terminal.stderrIsTTY { Terminal.progress("\r\u{1B}[K") }
    }
}

/// Pretty, stable JSON files.
enum JSONOutput {
    static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RunnerErrorBridge.cannotWrite(path, error)
        }
    }
}

import LeakLabRunner

enum RunnerErrorBridge {
    static func cannotWrite(_ path: String, _ error: any Error) -> RunnerError {
        .usage("cannot write \(path): \(error.localizedDescription)")
    }
}
