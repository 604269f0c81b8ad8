import Foundation
import LeakLabRunner

/// Self-contained HTML reports (`run --html`, `validate --html`, `tour --html`, and
/// `compare-allocators --html` through ``HTMLReport/page(title:subtitle:sections:)`` and
/// ``HTMLReport/allocatorComparisonSections(_:)``).
///
/// One file, nothing fetched: the CSS is inline, the charts are inline SVG drawn here, and there is
/// no script at all. Every string that came from a plugin or a run (names, notes, training text,
/// code, detector output) goes through ``HTML/escape(_:)`` before it is written.
public enum HTMLReport {
    /// A titled part of a page. `body` is HTML that the section's builder escaped.
    public struct Section {
        public var id: String
        public var title: String
        public var body: String

        public init(id: String, title: String, body: String) {
            self.id = id
            self.title = title
            self.body = body
        }
    }

    /// A whole page: the document shell, the style sheet, a table of contents and the sections.
    public static func page(title: String, subtitle: String? = nil, sections: [Section]) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="leaklab">
            <title>\(HTML.escape(title))</title>
            <style>\(css)</style>
            </head>
            <body>
            <header><h1>\(HTML.escape(title))</h1>
            """
        if let subtitle { html += "<p class=\"subtitle\">\(HTML.escape(subtitle))</p>" }
        if sections.count > 1 {
            html += "<nav><ul>"
            for section in sections {
                html += "<li><a href=\"#\(HTML.escape(section.id))\">\(HTML.escape(section.title))</a></li>"
            }
            html += "</ul></nav>"
        }
        html += "</header>\n<main>\n"
        for section in sections {
            html += "<section id=\"\(HTML.escape(section.id))\"><h2>\(HTML.escape(section.title))</h2>\n\(section.body)\n</section>\n"
        }
        html +=
            "</main>\n<footer>Written by leaklab on \(HTML.escape(Self.timestamp())). Self-contained: no scripts, nothing loaded from a network.</footer>\n</body>\n</html>\n"
        return html
    }

    /// Writes `html` to `path` atomically; a path that cannot be written is a usage error (exit 2).
    public static func write(_ html: String, to path: String) throws {
        try JSONOutput.write(Data(html.utf8), to: path)
    }

    /// A legal, stable `id` attribute for a name: lower-case letters, digits and dashes.
    public static func anchor(_ name: String) -> String {
        let mapped = name.lowercased().unicodeScalars.map { scalar -> Character in
            (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)) ? Character(scalar) : "-"
        }
        return String(mapped)
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    /// The style sheet. Colours: TP and TN green, FP and FN red (FN darker), failed amber.
    public static let css = """
        :root { --fg: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #ffffff; --panel: #f5f7fa;
          --tp: #2f9e44; --tn: #8ce99a; --fp: #f03e3e; --fn: #a61e4d; --failed: #f59f00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
        header { padding: 20px 32px 8px; border-bottom: 1px solid var(--line); background: var(--panel); }
        h1 { margin: 0 0 4px; font-size: 26px; }
        h2 { margin: 28px 0 12px; font-size: 21px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        h3 { margin: 22px 0 8px; font-size: 17px; }
        h4 { margin: 12px 0 6px; font-size: 15px; }
        .subtitle { margin: 0 0 8px; color: var(--muted); }
        nav ul { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
        nav a, a { color: #1c7ed6; text-decoration: none; }
        main { padding: 0 32px 32px; max-width: 1500px; }
        footer { padding: 12px 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
        p.note, .muted { color: var(--muted); }
        code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
        pre { background: #f8f9fa; border: 1px solid var(--line); border-radius: 4px; padding: 10px; margin: 0;
          overflow: auto; max-height: 36em; white-space: pre; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13.5px; }
        th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: var(--panel); font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .matrix td.cell { text-align: center; font-weight: 600; min-width: 70px; }
        .tp { background: var(--tp); color: #fff; } .tn { background: var(--tn); color: #0b3d17; }
        .fp { background: var(--fp); color: #fff; } .fn { background: var(--fn); color: #fff; }
        .failed { background: var(--failed); color: #3b2500; } .none { background: #f1f3f5; color: var(--muted); }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 13px; margin: 4px 0 10px; }
        .legend span.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 2px; vertical-align: -2px; margin-right: 5px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 16px; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: #fff; }
        .card h4 { margin-top: 0; }
        .pill { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; margin-left: 6px; }
        .role-leaky { background: #ffe3e3; color: #a61e4d; } .role-fixed { background: #d3f9d8; color: #2b8a3e; }
        .role-decoy { background: #fff3bf; color: #8f6b00; }
        .right { color: #2b8a3e; font-weight: 600; } .wrong { color: #c92a2a; font-weight: 600; } .fail { color: #b07400; font-weight: 600; }
        .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 8px 0 18px; }
        .pair > div { min-width: 0; }
        .training dt { font-weight: 600; margin-top: 8px; } .training dd { margin: 2px 0 6px 0; white-space: pre-wrap; }
        svg.chart { width: 100%; height: auto; display: block; background: #fff; }
        svg.chart text { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11px; fill: #52606d; }
        svg.chart .title { font-size: 13px; font-weight: 600; fill: var(--fg); }
        .explain-cmd { background: #f1f3f5; padding: 2px 6px; border-radius: 3px; }
        @media (max-width: 900px) { .pair { grid-template-columns: 1fr; } }
        """
}

/// HTML text escaping: the one function every untrusted string passes through.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'` so the text is safe in element content and in quoted
    /// attribute values, and drops control characters and bidirectional overrides first
    /// (``UntrustedText/clean(_:)``), which have no business in a report.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in UntrustedText.clean(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A number for SVG coordinates: at most two decimals, no exponent.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        guard rounded != rounded.rounded() else { return String(Int(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
