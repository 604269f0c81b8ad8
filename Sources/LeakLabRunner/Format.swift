import Foundation

/// Human-readable numbers for messages and tables.
public enum Format {
    /// `1.5 KiB`, `12.0 MiB`, `-3 B`.
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
        return unit == 0 ? "\(sign)\(Int(scaled.rounded())) B" : String(format: "%@%.1f %@", sign, scaled, units[unit])
    }

    /// A per-iteration figure: `1,416.2`, `0.00`.
    public static func rate(_ value: Double) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }
}
