import LeakLabDetectors

/// How the run compares with the baseline, for the terminal.
public enum BaselineReport {
    public static func render(_ comparison: BaselineComparison, path: String) -> String {
        var lines = [""]
        if comparison.passed {
            lines.append(Terminal.style("baseline \(path): no regressions", "32"))
        } else {
            lines.append(Terminal.style("baseline \(path): \(comparison.regressions.count) regression(s)", "31"))
            for change in comparison.regressions { lines.append("  worse: \(change)") }
        }
        for change in comparison.improvements { lines.append("  better: \(change)") }
        for cell in comparison.flaky ?? [] { lines.append("  flaky (not a regression): \(cell)") }
        if !comparison.unmatched.isEmpty {
            lines.append(
                "  not compared (only on one side): \(comparison.unmatched.prefix(8).joined(separator: ", "))\(comparison.unmatched.count > 8 ? ", …" : "")")
        }
        return lines.joined(separator: "\n")
    }
}
