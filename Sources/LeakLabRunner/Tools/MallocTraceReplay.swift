import Foundation

/// Replays a glibc `MALLOC_TRACE` file: which blocks were allocated and never freed.
///
/// Lines (glibc's malloc/mtrace-impl.c): `@ CALLER + 0xADDR 0xSIZE` (malloc, calloc, memalign),
/// `@ CALLER - 0xADDR` (free), `@ CALLER < 0xOLD` then `@ CALLER > 0xNEW 0xSIZE` (realloc),
/// `= Start` / `= End`; the `@ CALLER ` part is missing when glibc cannot name the caller. CALLER
/// is `FILE:(SYMBOL+0xOFF)[0xADDR]` when `dladdr` names a symbol, else `FILE:[0xOFF]` (the offset
/// in the file's own address layout), else `[0xADDR]`. Frees of blocks allocated before tracing
/// started are ignored.
public enum MallocTraceReplay {
    public struct Unfreed: Equatable, Sendable {
        public var bytes = 0
        public var blocks = 0
        public var suppressedBytes = 0
        public var suppressedBlocks = 0

        public init(bytes: Int = 0, blocks: Int = 0, suppressedBytes: Int = 0, suppressedBlocks: Int = 0) {
            self.bytes = bytes
            self.blocks = blocks
            self.suppressedBytes = suppressedBytes
            self.suppressedBlocks = suppressedBlocks
        }
    }

    /// - Parameter suppressed: whether a caller (the text after `@ `) is left out.
    public static func unfreed(_ trace: String, suppressed: (Substring) -> Bool = { _ in false }) -> Unfreed {
        var live: [Substring: (size: Int, caller: Substring)] = [:]
        for line in trace.split(separator: "\n", omittingEmptySubsequences: true) {
            var fields = line.split(separator: " ", omittingEmptySubsequences: true)[...]
            var caller: Substring = ""
            if fields.first == "@" {
                fields = fields.dropFirst()
                caller = fields.first ?? ""
                fields = fields.dropFirst()
            }
            guard let operation = fields.first else { continue }
            let arguments = Array(fields.dropFirst())
            switch operation {
            case "+", ">":
                guard arguments.count >= 2, let size = Int(arguments[1].dropFirst(2), radix: 16) else { continue }
                live[arguments[0]] = (size, caller)
            case "-", "<":
                guard let address = arguments.first else { continue }
                live[address] = nil
            default:
                continue
            }
        }
        var result = Unfreed()
        var verdicts: [Substring: Bool] = [:]
        for block in live.values {
            let isSuppressed: Bool
            if let known = verdicts[block.caller] {
                isSuppressed = known
            } else {
                isSuppressed = suppressed(block.caller)
                verdicts[block.caller] = isSuppressed
            }
            if isSuppressed {
                result.suppressedBytes += block.size
                result.suppressedBlocks += 1
            } else {
                result.bytes += block.size
                result.blocks += 1
            }
        }
        return result
    }
}

/// `leak:PATTERN` lines (LeakSanitizer's suppression format, which heaptrack reads too), matched
/// against one mtrace caller: the symbol `dladdr` gave, or the one the library's `.symtab` names
/// at the caller's offset. A pattern matches when the symbol contains it (`*` is not expanded).
/// Used by one evaluation at a time (it caches the libraries' symbol tables).
final class SuppressionList {
    var patterns: [String]
    private var tables: [String: ELFSymbolTable?] = [:]

    static func load(_ path: String?) -> SuppressionList {
        let text = path.flatMap(ToolFiles.read) ?? ""
        let patterns = text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("leak:") else { return nil }
            let pattern = String(trimmed.dropFirst(5))
            return pattern.isEmpty ? nil : pattern
        }
        return SuppressionList(patterns: patterns)
    }

    init(patterns: [String]) { self.patterns = patterns }

    /// The symbol behind a caller `FILE:(SYMBOL+0xOFF)[0xADDR]` or `FILE:[0xOFF]`.
    func symbol(of caller: Substring) -> String? {
        guard let colon = caller.lastIndex(of: ":") else { return nil }
        let file = String(caller[..<colon])
        let rest = caller[caller.index(after: colon)...]
        if rest.hasPrefix("("), let plus = rest.firstIndex(where: { $0 == "+" || $0 == ")" }) {
            return String(rest[rest.index(after: rest.startIndex)..<plus])
        }
        guard rest.hasPrefix("[0x"), let offset = UInt64(rest.dropFirst(3).prefix { $0 != "]" }, radix: 16) else { return nil }
        if tables[file] == nil { tables[file] = .some(ELFSymbolTable.cached(path: file)) }
        return tables[file]??.symbol(at: offset)?.name
    }

    /// Whether `caller` is suppressed.
    func matches(_ caller: Substring) -> Bool {
        guard !patterns.isEmpty, let name = symbol(of: caller) else { return false }
        return patterns.contains { name.contains($0) }
    }
}
