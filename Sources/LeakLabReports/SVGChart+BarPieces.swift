/// What every bar chart draws the same way: group labels under their slots, and "n/a" where a
/// bar has no value.
extension SVGChart {
    /// Whether the group labels must be slanted to fit their slots, and the bottom margin that
    /// leaves for them, in px. A label takes ~6.3 px per character at the charts' 11 px font.
    static func groupLabelLayout(_ labels: [String], plotWidth: Double) -> (slanted: Bool, bottom: Double) {
        let longest = Double(labels.map(\.count).max() ?? 0)
        let slanted = !labels.isEmpty && longest * 6.3 > plotWidth / Double(labels.count) - 4
        return (slanted, slanted ? min(110, 24 + longest * 5.2) : 30)
    }

    /// A group's label centred under its slot at (`x`, `y`): upright, or slanted by 35°.
    static func groupLabel(_ label: String, x: Double, y: Double, slanted: Bool) -> String {
        let (cx, ly) = (HTML.number(x), HTML.number(y))
        return slanted
            ? "<text x=\"\(cx)\" y=\"\(ly)\" text-anchor=\"end\" transform=\"rotate(-35 \(cx) \(ly))\">\(HTML.escape(label))</text>"
            : "<text x=\"\(cx)\" y=\"\(ly)\" text-anchor=\"middle\">\(HTML.escape(label))</text>"
    }

    /// "n/a" upright in a bar's place, its foot at (`x`, `y`), with `title` as its tooltip.
    static func missingBar(x: Double, y: Double, title: String) -> String {
        let (cx, cy) = (HTML.number(x), HTML.number(y))
        return
            "<text x=\"\(cx)\" y=\"\(cy)\" text-anchor=\"middle\" font-size=\"9\" transform=\"rotate(-90 \(cx) \(cy))\">n/a<title>\(HTML.escape(title))</title></text>"
    }
}
