import Foundation
import LeakLabKit
import LeakLabRunner

/// `leaklab explain` in HTML: the training text, which tools see each variant's leak, and the
/// leaky code beside its fix. Built from ``Explanation`` (already cleaned of control characters)
/// and escaped once more here, since plugin text may hold `<`, `&` and quotes.
extension HTMLReport {
    public static func explainSection(_ entries: [PluginCatalog.Entry], id: String = "explain", title: String = "The scenarios explained") -> Section {
        let body = entries.map { explainBlock(Explanation($0)) }.joined(separator: "\n")
        return Section(id: id, title: title, body: body)
    }

    public static func explainBlock(_ explanation: Explanation) -> String {
        let scenario = explanation.scenario
        var html = "<article class=\"explain\" id=\"\(anchor("explain-\(scenario.id)"))\" data-scenario=\"\(HTML.escape(scenario.id))\">"
        html += "<h3>\(HTML.escape(scenario.id)) — \(HTML.escape(scenario.title))</h3>"
        html +=
            "<p class=\"muted\">pattern: \(HTML.escape(scenario.pattern)) · plugin: \(HTML.escape(scenario.plugin)) · "
            + "in a terminal: <code class=\"explain-cmd\">leaklab explain \(HTML.escape(scenario.id))</code></p>"
        html += "<p>\(HTML.escape(scenario.summary))</p>"
        html += referenceList(explanation.references)
        html += "<dl class=\"training\">"
        let training = explanation.training
        for (name, text) in [
            ("How it shows", training.symptoms), ("How to find it", training.detection), ("The fix", training.fix), ("Mirrors", training.mirrors),
        ] where !text.isEmpty {
            html += "<dt>\(name)</dt><dd>\(HTML.escape(text))</dd>"
        }
        html += "</dl>"
        html += "<table><tr><th>variant</th><th>truth</th><th>seen by</th><th>missed by</th><th>may fool</th></tr>"
        for variant in explanation.variants {
            let visibility = variant.visibility
            html +=
                "<tr title=\"\(HTML.escape(visibility.explanation))\"><td>\(HTML.escape(variant.name))<span class=\"pill role-\(HTML.escape(variant.role))\">\(HTML.escape(variant.role))</span></td>"
            html +=
                "<td>\(HTML.escape(ExplanationText.verdictText(variant)))<br><span class=\"muted\">\(HTML.escape(ExplanationText.figures(variant)))</span></td>"
            for names in [visibility.seenBy, visibility.missedBy, visibility.mayFool] {
                html += "<td>\(HTML.escape(names.isEmpty ? "–" : names.joined(separator: ", ")))</td>"
            }
            html += "</tr>"
        }
        html += "</table>"
        for pair in explanation.pairs {
            guard let leaky = explanation.variant(pair.leaky) else { continue }
            let fixed = pair.fixed.flatMap(explanation.variant)
            html += "<div class=\"pair\" data-pair=\"\(HTML.escape(leaky.name))\">" + codeBlock(leaky)
            html += fixed.map(codeBlock) ?? "<div><h4>no fixed variant</h4></div>"
            html += "</div>"
        }
        let rest = (explanation.unpairedFixed + explanation.decoys).compactMap(explanation.variant)
        if !rest.isEmpty {
            html += "<div class=\"pair\">" + rest.map(codeBlock).joined() + "</div>"
        }
        return html + "</article>"
    }

    /// The public reports a scenario reproduces, each linked when its URL is http(s); any other
    /// scheme (`javascript:`, `file:`) is shown as text, never as a link. Empty for none.
    public static func referenceList(_ references: [Reference]) -> String {
        guard !references.isEmpty else { return "" }
        var html = "<ul class=\"references\">"
        for reference in references {
            let title = HTML.escape(reference.title.isEmpty ? reference.url : reference.title)
            let lowered = reference.url.lowercased()
            let linkable = lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
            html += "<li><span class=\"muted\">\(HTML.escape(reference.date))</span> "
            html +=
                linkable
                ? "<a href=\"\(HTML.escape(reference.url))\" rel=\"noopener noreferrer\">\(title)</a>"
                : "\(title) <code>\(HTML.escape(reference.url))</code>"
            html += "</li>"
        }
        return html + "</ul>"
    }

    /// A variant's heading, summary and code (or why its code is not here).
    public static func codeBlock(_ variant: Explanation.VariantInfo) -> String {
        var html =
            "<div class=\"code\" data-variant=\"\(HTML.escape(variant.name))\"><h4>\(HTML.escape(variant.name))<span class=\"pill role-\(HTML.escape(variant.role))\">\(HTML.escape(variant.role))</span></h4>"
        html += "<p class=\"muted\">\(HTML.escape(variant.summary))</p>"
        if let code = variant.source.code {
            var location = variant.source.file.map { ($0 as NSString).lastPathComponent } ?? ""
            if let line = variant.source.firstLine { location += ":\(line)" }
            if !location.isEmpty { html += "<p class=\"note\"><code>\(HTML.escape(location))</code></p>" }
            html += "<pre><code>\(HTML.escape(code))</code></pre>"
        } else {
            html += "<p class=\"note\">Code not available: \(HTML.escape(variant.source.unavailable ?? "the plugin declares no source"))</p>"
        }
        return html + "</div>"
    }
}
