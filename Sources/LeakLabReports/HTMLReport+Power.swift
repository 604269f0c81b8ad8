import Foundation
import LeakLabDetectors

/// `power --html`: the summary table, and per iteration count and noise level a recall curve
/// per detector over the swept rates (x: log₂ of the bytes per iteration).
extension HTMLReport {
    public static let curveColors = ["#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c7cfa", "#868e96"]

    public static func powerPage(_ document: PowerDocument) -> String {
        var summary = "<table><thead><tr><th>detector</th>"
        for count in document.sweep.iterations { summary += "<th>MDL at \(count) it.</th>" }
        summary += "<th>false positives</th><th>median latency (≥ 256 B/it)</th><th>false alarms on</th></tr></thead><tbody>"
        for detector in document.detectors {
            summary += "<tr><td>\(HTML.escape(detector.detector))</td>"
            for count in document.sweep.iterations {
                let text = detector.minimumDetectable.filter { $0.iterations == count }
                    .map { $0.bytesPerIteration.map { "\(PowerTable.number($0)) B/it" } ?? "none" }.joined(separator: " / ")
                summary += "<td>\(HTML.escape(text))</td>"
            }
            summary += "<td>\(detector.falsePositives)/\(detector.negativeRuns)</td>"
            summary += "<td>\(HTML.escape(detector.medianLatencyLarge.map { "\(Int($0)) it." } ?? "–"))</td>"
            summary += "<td>\(HTML.escape(detector.falseAlarms.joined(separator: ", ")))</td></tr>"
        }
        summary +=
            "</tbody></table><p>MDL: the smallest swept leak (served bytes per iteration) from which on recall is at least 95 %. Negatives: \(document.sweep.negatives.count) clean or bounded variant(s), \(document.sweep.negativeRepeats) seed(s) each.</p>"
        var sections = [Section(id: "summary", title: "Minimum detectable leak and false alarms", body: summary)]

        var curves = ""
        for noise in document.sweep.noise {
            for count in document.sweep.iterations {
                let series = document.detectors.enumerated().map { index, detector in
                    SVGChart.Series(
                        name: detector.detector, color: curveColors[index % curveColors.count],
                        points: detector.cells.filter { $0.iterations == count && $0.noise == noise }.compactMap { cell in
                            cell.recall.map { SVGChart.Point(x: log2(cell.bytesPerIteration), y: $0) }
                        })
                }
                curves += SVGChart.line(
                    title: "recall at \(count) iterations, noise \(noise)", series: series,
                    xLabel: "log₂ bytes per iteration", yFormat: .ratio)
            }
        }
        sections.append(Section(id: "curves", title: "Power curves", body: curves))
        if !document.errors.isEmpty {
            sections.append(
                Section(id: "errors", title: "Runs that failed", body: "<ul>" + document.errors.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"))
        }
        return page(
            title: "leaklab power",
            subtitle:
                "drip/leaky swept over \(document.sweep.rates.count) rate(s) × \(document.sweep.iterations.count) iteration count(s) × \(document.sweep.noise.count) noise level(s), \(document.sweep.repeats) seed(s) per cell",
            sections: sections)
    }
}
