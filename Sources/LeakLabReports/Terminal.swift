import Foundation

/// Writing to the terminal: stderr for progress and warnings, stdout for results.
public enum Terminal {
    public static let stderrIsTTY = isatty(2) == 1
    public static let stdoutIsTTY = isatty(1) == 1

    public static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    public static func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Colours on stdout: only when it is a terminal, and not when `NO_COLOR` is set (no-color.org)
    /// or `TERM` is `dumb`.
    public static let stdoutColors = stdoutIsTTY && colorsAllowed(ProcessInfo.processInfo.environment)

    public static func colorsAllowed(_ environment: [String: String]) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// Text styled for a terminal when stdout is one (and colours are wanted), plain otherwise.
    public static func style(_ text: String, _ code: String) -> String {
        stdoutColors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
