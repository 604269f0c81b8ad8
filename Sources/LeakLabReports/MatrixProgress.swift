import Foundation

/// "runs done of total, time left" on stderr for matrix commands; redrawn in place on a
/// terminal, a line per run when piped, nothing with `quiet`.
public final class MatrixProgress: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let quiet: Bool
    private let start = Date()
    private var done = 0

    public init(total: Int, label: String, quiet: Bool = false) {
        self.total = total
        self.label = label
        self.quiet = quiet
    }

    /// Called once per finished run (the matrix runner serialises calls).
    public func step(_ what: String) {
        done += 1
        guard !quiet else { return }
        let elapsed = Date().timeIntervalSince(start)
        let left = done < total ? elapsed / Double(done) * Double(total - done) : 0
        let line = "\(label) \(done)/\(total)  \(String(format: "%.0f", elapsed)) s, ~\(String(format: "%.0f", left)) s left  \(what)"
        Terminal.progress(Terminal.stderrIsTTY ? "\r\u{1B}[K" + line : line + "\n")
    }

    public func finish() {
        if !quiet && Terminal.stderrIsTTY { Terminal.progress("\r\u{1B}[K") }
    }
}
