import Foundation
import LeakLabDetectors

/// `power`'s terminal report: a summary line per detector (MDL per iteration count, false
/// positives, latency), then each detector's recall per cell.
public enum PowerTable {
    public static func render(_ document: PowerDocument) -> String {
        var lines: [String] = []
        let iterationCounts = document.sweep.iterations
        let header = ["detector"] + iterationCounts.map { "MDL@\($0)it" } + ["false pos.", "latency≥256B"]
        var rows: [[String]] = [header]
        for detector in document.detectors {
            var row = [detector.detector]
            for count in iterationCounts {
                let figures = detector.minimumDetectable.filter { $0.iterations == count }
                row.append(figures.map { $0.bytesPerIteration.map { "\(number($0)) B/it" } ?? "none" }.joined(separator: "/"))
            }
            row.append(
                detector.falsePositiveRate.map { "\(detector.falsePositives)/\(detector.negativeRuns)" + ($0 > 0 ? " (\(Int(($0 * 100).rounded())) %)" : "") }
                    ?? "–")
            row.append(detector.medianLatencyLarge.map { "\(Int($0)) it" } ?? "–")
            rows.append(row)
        }
        lines.append(table(rows))
        lines.append(
            "MDL: smallest swept leak (served bytes per iteration) from which on recall ≥ 95 %; latency: median workload iterations to the first 'leak', leaks ≥ 256 B/it."
        )
        for detector in document.detectors {
            lines.append("")
            lines.append("\(detector.detector): recall per cell")
            var grid: [[String]] = [["noise", "iterations"] + document.sweep.rates.map { "\(number($0)) B" }]
            let groups = Dictionary(grouping: detector.cells) { "\($0.noise)/\($0.iterations)" }
            for key in groups.keys.sorted(by: { $0.localizedStandardCompare($1) == .orderedAscending }) {
                let cells = groups[key]!
                var row = [String(cells[0].noise), String(cells[0].iterations)]
                for rate in document.sweep.rates {
                    let cell = cells.first { $0.bytesPerIteration == rate }
                    row.append(cell.map { "\($0.detected)/\($0.runs)" + ($0.failed > 0 ? "!\($0.failed)" : "") } ?? "–")
                }
                grid.append(row)
            }
            lines.append(table(grid))
            if !detector.falseAlarms.isEmpty {
                lines.append("  false alarms on: " + detector.falseAlarms.joined(separator: ", "))
            }
            if detector.negativeFailures > 0 { lines.append("  failed on \(detector.negativeFailures) negative run(s)") }
        }
        return lines.joined(separator: "\n")
    }

    public static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2g", value)
    }

    /// Left-aligned columns, two spaces apart.
    public static func table(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
