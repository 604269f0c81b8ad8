import LeakLabKit
import LeakLabRunner

/// Resolves `scenario[/variant]` against the catalogue.
public enum Selection {
    public static func resolve(_ target: String, in catalog: PluginCatalog) throws -> (PluginCatalog.Entry, [LeakLabKit.Variant]) {
        let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
        guard let id = parts.first, !id.isEmpty else { throw RunnerError.usage("expected SCENARIO or SCENARIO/VARIANT, got '\(target)'") }
        let entry = try catalog.entry(for: id)
        guard parts.count == 2 else { return (entry, entry.scenario.variants) }
        guard let variant = entry.scenario.variant(named: parts[1]) else {
            let names = entry.scenario.variants.map(\.name).joined(separator: ", ")
            throw RunnerError.usage("scenario '\(id)' has no variant '\(parts[1])'; its variants: \(names)")
        }
        return (entry, [variant])
    }
}
