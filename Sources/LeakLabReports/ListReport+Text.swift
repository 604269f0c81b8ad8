import LeakLabKit
import LeakLabModel

/// `leaklab list` as text: each plugin (name, path, API version), its scenarios, and every
/// variant's role, truth and declared leak per iteration. Variant names are shown whole (up to the
/// 64 characters the plugin API allows); the role column lines up within each scenario.
public enum ListText {
    /// - Parameter directories: where plugins were looked for, named when none was found.
    public static func render(_ document: ListDocument, directories: [String] = []) -> String {
        guard !document.plugins.isEmpty else {
            return "No plugins found in \(directories.joined(separator: ", "))."
        }
        var lines: [String] = []
        for plugin in document.plugins {
            lines.append(Terminal.style(UntrustedText.line(plugin.name), "1") + "  \(plugin.path)  (API v\(plugin.apiVersion))")
            for scenario in document.scenarios where scenario.plugin == plugin.name {
                lines.append(UntrustedText.line("  \(scenario.id)  [\(scenario.pattern)]  \(scenario.title)"))
                let width = max(30, scenario.variants.map(\.name.count).max() ?? 0)
                for variant in scenario.variants {
                    let name = variant.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    let role = variant.role.padding(toLength: 6, withPad: " ", startingAt: 0)
                    lines.append(UntrustedText.line("    \(name) \(role) \(variant.truth.headline)\(perIteration(variant.truth))"))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `  48.00 B, 1.00 obj per iteration`, or nothing when the variant declares no growth.
    static func perIteration(_ truth: GroundTruth) -> String {
        let rates = truth.perIteration
        var figures: [String] = []
        if rates.bytes != 0 { figures.append("\(Format.rate(rates.bytes)) B") }
        if rates.objects != 0 { figures.append("\(Format.rate(rates.objects)) obj") }
        if rates.tasks != 0 { figures.append("\(Format.rate(rates.tasks)) task") }
        if rates.threads != 0 { figures.append("\(Format.rate(rates.threads)) thread") }
        if rates.fds != 0 { figures.append("\(Format.rate(rates.fds)) fd") }
        return figures.isEmpty ? "" : "  " + figures.joined(separator: ", ") + " per iteration"
    }
}
