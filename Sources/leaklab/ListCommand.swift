import ArgumentParser
import Foundation
import LeakLabKit
import LeakLabRunner

/// `leaklab list`: loaded plugins, their scenarios, variants and truth.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List loaded plugins, scenarios, variants and their declared truth.")

    @OptionGroup var plugins: PluginOptions

    @Flag(help: "Print JSON (schema leaklab.list/1) instead of a table.")
    var json = false

    func run() throws {
        let catalog = try plugins.loadCatalog()
        if json {
            let document = ListDocument(catalog: catalog)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
            return
        }
        for plugin in catalog.plugins {
            print(Terminal.style(UntrustedText.clean(plugin.name), "1") + "  \(plugin.path)  (API v\(plugin.apiVersion))")
            for scenario in plugin.scenarios {
                print(UntrustedText.clean("  \(scenario.id)  [\(scenario.pattern)]  \(scenario.title)"))
                for variant in scenario.variants {
                    let truth = variant.truth
                    var figures: [String] = []
                    let rates = truth.perIteration
                    if rates.bytes != 0 { figures.append("\(Format.rate(rates.bytes)) B") }
                    if rates.objects != 0 { figures.append("\(Format.rate(rates.objects)) obj") }
                    if rates.tasks != 0 { figures.append("\(Format.rate(rates.tasks)) task") }
                    if rates.threads != 0 { figures.append("\(Format.rate(rates.threads)) thread") }
                    if rates.fds != 0 { figures.append("\(Format.rate(rates.fds)) fd") }
                    let perIteration = figures.isEmpty ? "" : "  " + figures.joined(separator: ", ") + " per iteration"
                    let name = variant.name.padding(toLength: max(30, variant.name.count), withPad: " ", startingAt: 0)
                    print(UntrustedText.clean("    \(name) \(variant.role.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(truth.headline)\(perIteration)"))
                }
            }
        }
        if catalog.plugins.isEmpty {
            print("No plugins found in \(catalog.directories.joined(separator: ", ")).")
        }
    }
}

/// `list --json` (SPEC §6).
struct ListDocument: Encodable {
    struct PluginInfo: Encodable {
        var name: String
        var path: String
        var apiVersion: UInt32
    }
    struct ScenarioInfo: Encodable {
        var id: String
        var title: String
        var pattern: String
        var plugin: String
        var summary: String
        var defaultIterations: Int
        var defaultWarmUp: Int
        var parameters: [ParameterSpec]
        var variants: [VariantInfo]
    }
    struct VariantInfo: Encodable {
        var name: String
        var role: String
        var summary: String
        var truth: GroundTruth
    }
    struct Refusal: Encodable {
        var path: String
        var kind: String
        var reason: String
    }

    var schema = "leaklab.list/1"
    var plugins: [PluginInfo]
    var scenarios: [ScenarioInfo]
    var refused: [Refusal]

    init(catalog: PluginCatalog) {
        plugins = catalog.plugins.map { PluginInfo(name: $0.name, path: $0.path, apiVersion: $0.apiVersion) }
        scenarios = catalog.entries.map { entry in
            ScenarioInfo(
                id: entry.scenario.id, title: entry.scenario.title, pattern: entry.scenario.pattern.rawValue,
                plugin: entry.plugin.name, summary: entry.scenario.summary,
                defaultIterations: entry.scenario.defaultIterations, defaultWarmUp: entry.scenario.defaultWarmUp,
                parameters: entry.scenario.allParameters,
                variants: entry.scenario.variants.map {
                    VariantInfo(name: $0.name, role: $0.role.rawValue, summary: $0.summary, truth: $0.truth)
                })
        }
        refused = catalog.refused.map { Refusal(path: $0.path, kind: $0.kind.rawValue, reason: $0.reason) }
    }
}
