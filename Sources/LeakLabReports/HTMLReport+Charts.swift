import Foundation
import LeakLabModel
import LeakLabRunner

/// Inline SVG charts for the HTML reports: a line chart with shaded bands (memory over iterations,
/// phases shaded) and a grouped bar chart (precision and recall). Pure functions of their inputs;
/// every label is escaped.
public enum SVGChart {
    public struct Point {
        public var x: Double
        public var y: Double
    }

    public struct Series {
        public var name: String
        public var color: String
        public var points: [Point]
        public var dashed = false
        public var lineWidth = 2.0
    }

    /// A shaded stretch of the x axis (a phase).
    public struct Band {
        public var label: String
        public var from: Double
        public var to: Double
        public var fill: String
    }

    public enum ValueFormat {
        case bytes, count, ratio

        public func text(_ value: Double) -> String {
            switch self {
            case .bytes: Format.bytes(value)
            case .count: abs(value) >= 10_000 ? String(format: "%.0fk", value / 1000) : HTML.number(value)
            case .ratio: HTML.number(value)
            }
        }
    }

    /// Points per series at most: more are thinned (keeping the first, the last, and each stretch's
    /// extremes), which keeps a 40-variant report small and the shape of every curve intact.
    public static let maximumPoints = 300

    // MARK: Line chart

    /// A line chart. `attributes` is extra, already-escaped attribute text for the `<svg>` element.
    public static func line(
        title: String, series: [Series], bands: [Band] = [], xLabel: String = "iteration",
        yFormat: ValueFormat = .bytes, attributes: String = "", width: Double = 640, height: Double = 280
    ) -> String {
        let left = 72.0, right = 14.0, bottom = 34.0
        let drawn = series.filter { !$0.points.isEmpty }
        let key = legend(drawn.map { ($0.name, $0.color, $0.dashed) }, x: left, y: 34, maxX: width - right)
        let top = 30.0 + 16 * Double(max(1, key.rows))
        let height = height + top - 46
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        var svg =
            "<svg class=\"chart line\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(HTML.number(width)) \(HTML.number(height))\" role=\"img\" \(attributes)>"
        svg += "<title>\(HTML.escape(title))</title>"
        svg += "<text class=\"title\" x=\"\(HTML.number(left))\" y=\"16\">\(HTML.escape(title))</text>"
        svg += key.svg
        let xs = drawn.flatMap { $0.points.map(\.x) } + bands.flatMap { [$0.from, $0.to] }
        let ys = drawn.flatMap { $0.points.map(\.y) }
        guard let xMin = xs.min(), let xMax = xs.max(), let yLow = ys.min(), let yHigh = ys.max() else {
            svg += "<text x=\"\(HTML.number(width / 2))\" y=\"\(HTML.number(height / 2))\" text-anchor=\"middle\">no samples</text></svg>"
            return svg
        }
        let yTicks = ticks(low: yLow, high: yHigh, format: yFormat)
        let y0 = yTicks.first ?? yLow, y1 = max(yTicks.last ?? yHigh, y0 + 1)
        let x1 = max(xMax, xMin + 1)
        let px = { (x: Double) in left + (x - xMin) / (x1 - xMin) * plotWidth }
        let py = { (y: Double) in top + plotHeight - (y - y0) / (y1 - y0) * plotHeight }

        for band in bands where band.to > band.from {
            let a = px(band.from), b = px(band.to)
            svg +=
                "<rect x=\"\(HTML.number(a))\" y=\"\(HTML.number(top))\" width=\"\(HTML.number(b - a))\" height=\"\(HTML.number(plotHeight))\" fill=\"\(band.fill)\"/>"
            // Every band is labelled: across a band that has the room, else upright along it (an
            // adaptive settle can be a few pixels wide).
            if b - a >= 44 {
                svg +=
                    "<text x=\"\(HTML.number((a + b) / 2))\" y=\"\(HTML.number(top + 12))\" text-anchor=\"middle\" font-size=\"10\">\(HTML.escape(band.label))</text>"
            } else {
                let x = HTML.number((a + b) / 2 + 3), y = HTML.number(top + 4)
                svg += "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"end\" font-size=\"10\" transform=\"rotate(-90 \(x) \(y))\">\(HTML.escape(band.label))</text>"
            }
        }
        for tick in yTicks {
            let y = py(tick)
            svg +=
                "<line x1=\"\(HTML.number(left))\" x2=\"\(HTML.number(left + plotWidth))\" y1=\"\(HTML.number(y))\" y2=\"\(HTML.number(y))\" stroke=\"#e4e7eb\"/>"
            svg +=
                "<text x=\"\(HTML.number(left - 6))\" y=\"\(HTML.number(y + 4))\" text-anchor=\"end\">\(HTML.escape(tickLabel(tick, format: yFormat, ticks: yTicks)))</text>"
        }
        for tick in ticks(low: xMin, high: xMax, format: .count, count: 6) where tick >= xMin && tick <= x1 {
            let x = px(tick)
            svg +=
                "<line x1=\"\(HTML.number(x))\" x2=\"\(HTML.number(x))\" y1=\"\(HTML.number(top + plotHeight))\" y2=\"\(HTML.number(top + plotHeight + 4))\" stroke=\"#9aa5b1\"/>"
            svg +=
                "<text x=\"\(HTML.number(x))\" y=\"\(HTML.number(top + plotHeight + 16))\" text-anchor=\"middle\">\(HTML.escape(ValueFormat.count.text(tick)))</text>"
        }
        svg +=
            "<rect x=\"\(HTML.number(left))\" y=\"\(HTML.number(top))\" width=\"\(HTML.number(plotWidth))\" height=\"\(HTML.number(plotHeight))\" fill=\"none\" stroke=\"#9aa5b1\"/>"
        svg += "<text x=\"\(HTML.number(left + plotWidth / 2))\" y=\"\(HTML.number(height - 4))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        for item in drawn {
            let path = thin(item.points).map { "\(HTML.number(px($0.x))),\(HTML.number(py($0.y)))" }.joined(separator: " ")
            let dash = item.dashed ? " stroke-dasharray=\"6 4\"" : ""
            svg +=
                "<polyline fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"\(HTML.number(item.lineWidth))\" stroke-linejoin=\"round\"\(dash) points=\"\(path)\"><title>\(HTML.escape(item.name))</title></polyline>"
        }
        svg += "</svg>"
        return svg
    }

    // MARK: Bar chart

    public struct Bar {
        public var name: String
        public var value: Double?
        public var color: String
    }

    public struct BarGroup {
        public var label: String
        public var bars: [Bar]
    }

    /// Grouped vertical bars on a 0…`maximum` scale. A `nil` value is drawn as "n/a" (a ratio
    /// whose denominator was 0), not as a zero bar.
    public static func bars(
        title: String, groups: [BarGroup], legend entries: [(String, String)], maximum: Double = 1,
        format: ValueFormat = .ratio, attributes: String = "", width: Double = 640, height: Double = 260
    ) -> String {
        let left = 44.0, right = 10.0, top = 46.0
        let (slanted, bottom) = groupLabelLayout(groups.map(\.label), plotWidth: width - left - right)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        var svg =
            "<svg class=\"chart bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(HTML.number(width)) \(HTML.number(height))\" role=\"img\" \(attributes)>"
        svg += "<title>\(HTML.escape(title))</title>"
        svg += "<text class=\"title\" x=\"\(HTML.number(left))\" y=\"16\">\(HTML.escape(title))</text>"
        svg += legend(entries.map { ($0.0, $0.1, false) }, x: left, y: 34, maxX: width - right).svg
        let py = { (value: Double) in top + plotHeight - min(1, max(0, value / maximum)) * plotHeight }
        for step in 0...4 {
            let value = maximum * Double(step) / 4
            svg +=
                "<line x1=\"\(HTML.number(left))\" x2=\"\(HTML.number(left + plotWidth))\" y1=\"\(HTML.number(py(value)))\" y2=\"\(HTML.number(py(value)))\" stroke=\"#e4e7eb\"/>"
            svg += "<text x=\"\(HTML.number(left - 6))\" y=\"\(HTML.number(py(value) + 4))\" text-anchor=\"end\">\(HTML.escape(format.text(value)))</text>"
        }
        guard !groups.isEmpty else { return svg + "</svg>" }
        let slot = plotWidth / Double(groups.count)
        for (index, group) in groups.enumerated() {
            let count = Double(max(1, group.bars.count))
            let barWidth = min(28, slot * 0.8 / count)
            let start = left + slot * Double(index) + (slot - barWidth * count) / 2
            for (offset, bar) in group.bars.enumerated() {
                let x = start + barWidth * Double(offset)
                if let value = bar.value {
                    let y = py(value)
                    svg +=
                        "<rect x=\"\(HTML.number(x + 1))\" y=\"\(HTML.number(y))\" width=\"\(HTML.number(barWidth - 2))\" height=\"\(HTML.number(top + plotHeight - y))\" fill=\"\(bar.color)\"><title>\(HTML.escape("\(group.label) \(bar.name): \(format.text(value))"))</title></rect>"
                } else {
                    svg += missingBar(x: x + barWidth / 2, y: top + plotHeight - 4, title: "\(group.label) \(bar.name): not defined")
                }
            }
            svg += groupLabel(group.label, x: left + slot * (Double(index) + 0.5), y: top + plotHeight + 14, slanted: slanted)
        }
        svg +=
            "<line x1=\"\(HTML.number(left))\" x2=\"\(HTML.number(left + plotWidth))\" y1=\"\(HTML.number(top + plotHeight))\" y2=\"\(HTML.number(top + plotHeight))\" stroke=\"#9aa5b1\"/>"
        svg += "</svg>"
        return svg
    }

    // MARK: Pieces

    /// The legend, wrapped onto as many rows as `maxX` needs; returns the SVG and the rows used.
    private static func legend(_ entries: [(String, String, Bool)], x: Double, y: Double, maxX: Double) -> (svg: String, rows: Int) {
        var svg = "", offset = x, row = 0
        for (name, color, dashed) in entries {
            let width = 34 + Double(name.count) * 6.4
            if offset > x, offset + width - 12 > maxX {
                row += 1
                offset = x
            }
            let baseline = y + Double(row) * 16
            let dash = dashed ? " stroke-dasharray=\"5 3\"" : ""
            svg +=
                "<line x1=\"\(HTML.number(offset))\" x2=\"\(HTML.number(offset + 18))\" y1=\"\(HTML.number(baseline - 4))\" y2=\"\(HTML.number(baseline - 4))\" stroke=\"\(color)\" stroke-width=\"4\"\(dash)/>"
            svg += "<text x=\"\(HTML.number(offset + 22))\" y=\"\(HTML.number(baseline))\">\(HTML.escape(name))</text>"
            offset += width
        }
        return (svg, entries.isEmpty ? 0 : row + 1)
    }

    /// A tick's label; byte ticks share one unit (`0.5 MiB`, `1 MiB`, `1.5 MiB`) so they read as a scale.
    public static func tickLabel(_ value: Double, format: ValueFormat, ticks: [Double]) -> String {
        guard format == .bytes else { return format.text(value) }
        let largest = ticks.map(abs).max() ?? abs(value)
        let units: [(Double, String)] = [(1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")]
        guard let (scale, name) = units.first(where: { largest >= $0.0 }) else { return "\(HTML.number(value)) B" }
        return "\(HTML.number(value / scale)) \(name)"
    }

    /// Round tick values covering `low…high`: steps of 1, 2 or 5 × 10ⁿ, or of 1024ⁿ multiples for bytes.
    public static func ticks(low: Double, high: Double, format: ValueFormat, count: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite else { return [] }
        let span = max(high - low, abs(high) * 0.02, 1)
        var unit = 1.0
        if format == .bytes {
            while span / unit >= 1024, unit < 1_099_511_627_776 { unit *= 1024 }
        }
        let raw = span / unit / Double(max(1, count - 1))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice = fraction <= 1 ? 1.0 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        let step = nice * magnitude * unit
        let first = floor(low / step) * step
        var values: [Double] = []
        var value = first
        while value < high + step * 0.999, values.count < 40 {
            values.append(value)
            value += step
        }
        if values.count == 1 { values.append(first + step) }
        return values
    }

    /// At most ``maximumPoints`` points: each bucket of the input keeps its lowest and highest point, in order.
    public static func thin(_ points: [Point]) -> [Point] {
        guard points.count > maximumPoints else { return points }
        let buckets = maximumPoints / 2
        var result: [Point] = [points[0]]
        for bucket in 0..<buckets {
            let start = bucket * points.count / buckets, end = (bucket + 1) * points.count / buckets
            guard start < end else { continue }
            let slice = points[start..<end]
            let low = slice.indices.min { slice[$0].y < slice[$1].y }!
            let high = slice.indices.max { slice[$0].y < slice[$1].y }!
            for index in [low, high].sorted() where index != 0 { result.append(points[index]) }
        }
        if let last = points.last, result.last?.x != last.x || result.last?.y != last.y { result.append(last) }
        return result
    }
}
