/// Splits a `--detector-cmd` string into an argument vector, like a POSIX shell's quoting but
/// without a shell: no variables, globs, `~`, pipes or redirections.
///
/// - Words are separated by unquoted spaces, tabs and newlines.
/// - `'…'` is literal; `"…"` is literal except `\"`, `\\`, `` \` `` and `\$`; outside quotes `\x` is `x`.
/// - `''` or `""` is an empty argument.
/// - An unquoted `|`, `;`, `&`, `<`, `>` or `` ` `` is an error: they would need a shell.
public enum CommandLineSplitter {
    public static func split(_ command: String) throws(CommandLineError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(command).makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                guard closed else { throw .unterminatedQuote("'") }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if !"\"\\$`".contains(escaped) { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
                guard closed else { throw .unterminatedQuote("\"") }
            case "\\":
                guard let escaped = iterator.next() else { throw .trailingBackslash }
                inWord = true
                current.append(escaped)
            case "|", ";", "&", "<", ">", "`":
                throw .shellSyntax(character)
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        guard !words.isEmpty else { throw .empty }
        return words
    }
}

/// Why a command string could not be split.
public enum CommandLineError: Error, Equatable, CustomStringConvertible {
    case empty
    case unterminatedQuote(Character)
    case trailingBackslash
    case shellSyntax(Character)

    public var description: String {
        switch self {
        case .empty: "the detector command is empty"
        case .unterminatedQuote(let quote): "the detector command has an unterminated \(quote) quote"
        case .trailingBackslash: "the detector command ends with a lone backslash"
        case .shellSyntax(let character):
            "the detector command uses '\(character)', which needs a shell; it is run without one (quote it, or wrap the pipeline in a script)"
        }
    }
}
