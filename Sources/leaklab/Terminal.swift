import Foundation

/// Writing to the terminal: stderr for progress and warnings, stdout for results.
enum Terminal {
    static let stderrIsTTY = isatty(2) == 1
    static let stdoutIsTTY = isatty(1) == 1

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Text styled for a terminal when stdout is one, plain otherwise.
    static func style(_ text: String, _ code: String) -> String {
        stdoutIsTTY ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
