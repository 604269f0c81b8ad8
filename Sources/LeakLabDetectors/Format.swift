import Foundation

/// Short number formats for verdict notes.
enum Format {
    /// `1.3 MB`, `48 B`, `-2.0 KB`: decimal units, at most one decimal.
    static func bytes(_ value: Double) -> String {
        let magnitude = abs(value)
        let (scaled, unit): (Double, String) =
            magnitude >= 1e9 ? (value / 1e9, "GB") : magnitude >= 1e6 ? (value / 1e6, "MB")
            : magnitude >= 1e3 ? (value / 1e3, "KB") : (value, "B")
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
