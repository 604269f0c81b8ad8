import LeakLabKit
import LeakLabRunner

/// `list --json` (schema `leaklab.list/1`, docs/reports.md).
public struct ListDocument: Codable {
    public struct PluginInfo: Codable {
        public var name: String
        public var path: String
        public var apiVersion: UInt32
    }
    public struct ScenarioInfo: Codable {
        public var id: String
        public var title: String
        public var pattern: String
        public var plugin: String
        public var summary: String
        public var defaultIterations: Int
        public var defaultWarmUp: Int
        public var parameters: [ParameterSpec]
        public var variants: [VariantInfo]
        /// The public reports the scenario reproduces: `[{url, title, date}]`, empty when none.
        public var references: [Reference]
    }
    public struct VariantInfo: Codable {
        public var name: String
        public var role: String
        public var summary: String
        public var truth: GroundTruth
    }
    public struct Refusal: Codable {
        public var path: String
        public var kind: String
        public var reason: String
    }

    public static let currentSchema = "leaklab.list/1"

    public var schema = ListDocument.currentSchema
    public var plugins: [PluginInfo]
    public var scenarios: [ScenarioInfo]
    public var refused: [Refusal]

    public init(catalog: PluginCatalog) {
        plugins = catalog.plugins.map { PluginInfo(name: $0.name, path: $0.path, apiVersion: $0.apiVersion) }
        scenarios = catalog.entries.map { entry in
            ScenarioInfo(
                id: entry.scenario.id, title: entry.scenario.title, pattern: entry.scenario.pattern.rawValue,
                plugin: entry.plugin.name, summary: entry.scenario.summary,
                defaultIterations: entry.scenario.defaultIterations, defaultWarmUp: entry.scenario.defaultWarmUp,
                parameters: entry.scenario.allParameters,
                variants: entry.scenario.variants.map {
                    VariantInfo(name: $0.name, role: $0.role.rawValue, summary: $0.summary, truth: $0.truth)
                },
                references: entry.scenario.references)
        }
        refused = catalog.refused.map { Refusal(path: $0.path, kind: $0.kind.rawValue, reason: $0.reason) }
    }
}
