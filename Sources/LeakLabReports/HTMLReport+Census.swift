import Foundation
import LeakLabModel

extension HTMLReport {
    /// The task census of a run as a table: one row per group of live tasks (count, state, where
    /// they wait, who created them), its frames folded under a `<details>`.
    public static func censusTable(_ census: TaskCensus) -> String {
        var html = "<p class=\"muted\">Live Swift tasks at the end of settle: <b>\(census.tasks)</b>"
        if census.completed > 0 { html += " (and \(census.completed) completed, still referenced)" }
        html += String(format: " · census %.1f ms", census.millis) + "</p>"
        guard !census.groups.isEmpty else { return html }
        html += "<table class=\"census\"><tr><th class=\"num\">tasks</th><th>state</th><th>waits in</th><th>created in</th></tr>"
        for group in census.groups.prefix(20) {
            var frames = ""
            var previous: String?
            for frame in group.frames {
                let module =
                    frame.module >= 0 && frame.module < census.modules.count
                    ? (census.modules[frame.module] as NSString).lastPathComponent : "?"
                let name = frame.function ?? String(format: "0x%llx", UInt64(frame.offset))
                if name == previous { continue }
                previous = name
                frames += "<li>\(HTML.escape(name)) <span class=\"muted\">[\(HTML.escape(module))]</span></li>"
            }
            html += "<tr><td class=\"num\">\(group.count)</td><td>\(HTML.escape(group.stateText))</td>"
            html += "<td><details><summary>\(HTML.escape(group.waitsIn ?? "(unnamed)"))</summary><ol>\(frames)</ol></details></td>"
            html += "<td>\(HTML.escape(group.creator ?? "–"))</td></tr>"
        }
        html += "</table>"
        if census.groups.count > 20 { html += "<p class=\"note\">\(census.groups.count - 20) smaller groups not shown (see the run's JSON).</p>" }
        return html
    }
}
