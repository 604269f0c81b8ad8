/// Sizes as people type them: `512MiB`, `2GiB`, `1.5G`, `128k`, `1TiB`, `4096`, `0x20000`. The one grammar
/// for every option that takes a size (`--memory-budget`, `--allocator-option` byte values).
public enum ByteSize {
    /// Bytes, or nil for text that is not a size or is negative. Suffixes are case-insensitive:
    /// `b`, `k`/`kb`/`kib`, `m`/`mb`/`mib`, `g`/`gb`/`gib`, `t`/`tb`/`tib` (all binary: `1k` is 1024);
    /// `nil` too for a size beyond `Int`. Whitespace around the text (spaces, tabs, line ends) is ignored.
    public static func parse(_ text: String) -> Int? {
        var trimmed = Substring(text.lowercased())
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        let lowered = String(trimmed)
        if lowered.hasPrefix("0x") { return Int(lowered.dropFirst(2), radix: 16) }
        let units: [(String, Int)] = [
            ("tib", 1 << 40), ("tb", 1 << 40), ("t", 1 << 40),
            ("gib", 1 << 30), ("gb", 1 << 30), ("g", 1 << 30), ("mib", 1 << 20), ("mb", 1 << 20), ("m", 1 << 20),
            ("kib", 1 << 10), ("kb", 1 << 10), ("k", 1 << 10), ("b", 1),
        ]
        var number = Substring(lowered), scale = 1
        if let (suffix, unit) = units.first(where: { lowered.hasSuffix($0.0) }) {
            number = lowered.dropLast(suffix.count)
            scale = unit
        }
        if let whole = Int(number) {
            let (bytes, overflow) = whole.multipliedReportingOverflow(by: scale)
            return whole >= 0 && !overflow ? bytes : nil
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * Double(scale) < Double(Int.max) else { return nil }
        return Int(value * Double(scale))
    }
}
