import Foundation

/// Short number formats for verdict notes.
enum Format {
    /// `1.3 MiB`, `48 B`, `-2.0 KiB`: binary units, one decimal.
    static func bytes(_ value: Double) -> String {
        let magnitude = abs(value)
        let gib = 1_073_741_824.0, mib = 1_048_576.0
        let (scaled, unit): (Double, String) =
            magnitude >= gib ? (value / gib, "GiB") : magnitude >= mib ? (value / mib, "MiB")
            : magnitude >= 1024 ? (value / 1024, "KiB") : (value, "B")
        return unit == "B" ? "\(Int(scaled.rounded())) B" : String(format: "%.1f %@", scaled, unit)
    }

    /// `+1.25`, `-0.50`.
    static func signed(_ value: Double) -> String {
        String(format: "%+.2f", value)
    }

    /// `97%`.
    static func percent(_ fraction: Double) -> String {
        String(format: "%.0f%%", fraction * 100)
    }

    /// `p=3e-07`.
    static func p(_ value: Double) -> String {
        String(format: "p=%.1g", value)
    }
}
