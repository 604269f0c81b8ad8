import Glibc

/// Human-readable numbers for messages, verdict notes and tables: the one place figures are
/// formatted, so the runner, the detectors and the reports print the same `1.5 KiB`.
public enum Format {
    /// `1.5 KiB`, `12.0 MiB`, `-3 B`: binary units, one decimal.
    public static func bytes(_ value: Int) -> String { bytes(Double(value)) }

    public static func bytes(_ value: Double) -> String {
        let magnitude = abs(value)
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = magnitude
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        let sign = value < 0 ? "-" : ""
        return unit == 0 ? "\(sign)\(Int(scaled.rounded())) B" : "\(sign)\(printf("%.1f", scaled)) \(units[unit])"
    }

    /// A per-iteration figure: `1416`, `0.00`.
    public static func rate(_ value: Double) -> String {
        abs(value) >= 100 ? printf("%.0f", value) : printf("%.2f", value)
    }

    /// `+1.25`, `-0.50`.
    public static func signed(_ value: Double) -> String {
        printf("%+.2f", value)
    }

    /// `97%`.
    public static func percent(_ fraction: Double) -> String {
        printf("%.0f%%", fraction * 100)
    }

    /// `p=3e-07`.
    public static func p(_ value: Double) -> String {
        printf("p=%.1g", value)
    }

    /// One `Double` through C's `printf` formatting, as Foundation's `String(format:)` gave it,
    /// without linking Foundation into the child host. `format` holds exactly one `f`, `e` or `g`
    /// conversion of a double (anything else is undefined behaviour in `vsnprintf`, hence not
    /// public). Always the C locale's `.` decimal point, whatever `setlocale` a plugin called
    /// (`uselocale` is per thread).
    static func printf(_ format: String, _ value: Double) -> String {
        let previous = cLocale.map { uselocale($0) }
        defer { if let previous { uselocale(previous) } }
        var buffer = [CChar](repeating: 0, count: 64)
        let needed = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        if needed >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(needed) + 1)
            _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The "C" locale for numbers, made once (`nil` if it cannot be made: the thread's own is used).
    private nonisolated(unsafe) static let cLocale: locale_t? = newlocale(LC_NUMERIC_MASK, "C", nil)
}
