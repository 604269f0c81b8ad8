/// Grouped bars with error bars and a reference line per group (the declared truth), on a scale
/// that includes zero and negative values: growth per iteration by configuration.
extension SVGChart {
    public struct SpreadBar {
        public var name: String
        /// The median; `nil` is drawn as "n/a" (not measured), not as a zero bar.
        public var value: Double?
        public var low: Double?
        public var high: Double?
        public var color: String
    }

    public struct SpreadGroup {
        public var label: String
        public var bars: [SpreadBar]
        /// The declared figure, drawn as a dark line across the group; with its tolerance as a
        /// shaded band when `tolerance` > 0.
        public var reference: Double?
        public var tolerance: Double = 0
    }

    /// `groups` of bars from `min(0, …)` to `max(0, …)` of every value, range and reference.
    public static func spreadBars(
        title: String, groups: [SpreadGroup], legend entries: [(String, String)], format: ValueFormat = .bytes,
        attributes: String = "", width: Double = 640, height: Double = 280
    ) -> String {
        let left = 72.0, right = 10.0
        let key = legendRows(entries, maxX: width - right, x: left)
        let top = 30.0 + 16 * Double(max(1, key.rows)) + 6
        let (slanted, bottom) = groupLabelLayout(groups.map(\.label), plotWidth: width - left - right)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        var svg =
            "<svg class=\"chart bars spread\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(HTML.number(width)) \(HTML.number(height))\" role=\"img\" \(attributes)>"
        svg += "<title>\(HTML.escape(title))</title>"
        svg += "<text class=\"title\" x=\"\(HTML.number(left))\" y=\"16\">\(HTML.escape(title))</text>"
        svg += key.svg
        let values = groups.flatMap { group in
            group.bars.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } }
                + [group.reference.map { $0 + group.tolerance }, group.reference.map { $0 - group.tolerance }].compactMap { $0 }
        }
        let ticks = ticks(low: min(0, values.min() ?? 0), high: max(0, values.max() ?? 1), format: format)
        let y0 = ticks.first ?? 0, y1 = max(ticks.last ?? 1, y0 + 1)
        let py = { (value: Double) in top + plotHeight - (value - y0) / (y1 - y0) * plotHeight }
        for tick in ticks {
            svg +=
                "<line x1=\"\(HTML.number(left))\" x2=\"\(HTML.number(left + plotWidth))\" y1=\"\(HTML.number(py(tick)))\" y2=\"\(HTML.number(py(tick)))\" stroke=\"\(tick == 0 ? "#9aa5b1" : "#e4e7eb")\"/>"
            svg +=
                "<text x=\"\(HTML.number(left - 6))\" y=\"\(HTML.number(py(tick) + 4))\" text-anchor=\"end\">\(HTML.escape(tickLabel(tick, format: format, ticks: ticks)))</text>"
        }
        guard !groups.isEmpty else { return svg + "</svg>" }
        let slot = plotWidth / Double(groups.count)
        for (index, group) in groups.enumerated() {
            let count = Double(max(1, group.bars.count))
            let barWidth = min(28, slot * 0.8 / count)
            let start = left + slot * Double(index) + (slot - barWidth * count) / 2
            if let reference = group.reference {
                let a = start - 4, b = start + barWidth * count + 4
                if group.tolerance > 0 {
                    let top = py(reference + group.tolerance), low = py(reference - group.tolerance)
                    svg +=
                        "<rect class=\"tolerance\" x=\"\(HTML.number(a))\" y=\"\(HTML.number(top))\" width=\"\(HTML.number(b - a))\" height=\"\(HTML.number(max(1, low - top)))\" fill=\"#212529\" fill-opacity=\"0.08\"/>"
                }
                svg +=
                    "<line class=\"truth\" x1=\"\(HTML.number(a))\" x2=\"\(HTML.number(b))\" y1=\"\(HTML.number(py(reference)))\" y2=\"\(HTML.number(py(reference)))\" stroke=\"#212529\" stroke-width=\"2\"><title>\(HTML.escape("\(group.label) declared truth: \(format.text(reference)) ± \(format.text(group.tolerance))"))</title></line>"
            }
            for (offset, bar) in group.bars.enumerated() {
                let x = start + barWidth * Double(offset)
                guard let value = bar.value else {
                    svg += missingBar(x: x + barWidth / 2, y: py(0) - 4, title: "\(group.label) \(bar.name): not measured")
                    continue
                }
                let a = py(max(0, value)), b = py(min(0, value))
                var tip = "\(group.label) \(bar.name): \(format.text(value))"
                if let low = bar.low, let high = bar.high, low != high { tip += " [\(format.text(low))…\(format.text(high))]" }
                svg +=
                    "<rect x=\"\(HTML.number(x + 1))\" y=\"\(HTML.number(a))\" width=\"\(HTML.number(barWidth - 2))\" height=\"\(HTML.number(max(0.5, b - a)))\" fill=\"\(bar.color)\"><title>\(HTML.escape(tip))</title></rect>"
                if let low = bar.low, let high = bar.high, low != high {
                    let cx = x + barWidth / 2
                    svg +=
                        "<path class=\"error-bar\" d=\"M\(HTML.number(cx)) \(HTML.number(py(high)))V\(HTML.number(py(low)))M\(HTML.number(cx - 3)) \(HTML.number(py(high)))h6M\(HTML.number(cx - 3)) \(HTML.number(py(low)))h6\" stroke=\"#212529\" fill=\"none\"/>"
                }
            }
            svg += groupLabel(group.label, x: left + slot * (Double(index) + 0.5), y: top + plotHeight + 14, slanted: slanted)
        }
        svg += "</svg>"
        return svg
    }

    /// The legend of a spread chart (colour swatches, wrapped), and the rows it used.
    private static func legendRows(_ entries: [(String, String)], maxX: Double, x: Double) -> (svg: String, rows: Int) {
        var svg = "", offset = x, row = 0
        for (name, color) in entries + [("declared truth ± tolerance", "#212529")] {
            let width = 34 + Double(name.count) * 6.4
            if offset > x, offset + width - 12 > maxX {
                row += 1
                offset = x
            }
            let baseline = 34 + Double(row) * 16
            svg +=
                "<line x1=\"\(HTML.number(offset))\" x2=\"\(HTML.number(offset + 18))\" y1=\"\(HTML.number(baseline - 4))\" y2=\"\(HTML.number(baseline - 4))\" stroke=\"\(color)\" stroke-width=\"4\"/>"
            svg += "<text x=\"\(HTML.number(offset + 22))\" y=\"\(HTML.number(baseline))\">\(HTML.escape(name))</text>"
            offset += width
        }
        return (svg, row + 1)
    }
}
