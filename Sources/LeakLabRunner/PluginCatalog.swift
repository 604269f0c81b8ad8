import Foundation
import LeakLabKit

/// The plugins the lab found, the scenarios they provide, and the files it refused.
public struct PluginCatalog: Sendable {
    /// A loaded plugin.
    public struct Plugin: Sendable {
        public var name: String
        public var path: String
        public var apiVersion: UInt32
        public var scenarios: [Scenario]
    }

    /// A scenario and the plugin it came from.
    public struct Entry: Sendable {
        public var scenario: Scenario
        public var plugin: Plugin
    }

    public private(set) var plugins: [Plugin] = []
    /// Files that were refused, each with the reason. They do not stop the others from loading.
    public private(set) var refused: [PluginLoadError] = []
    /// The directories searched, in order.
    public private(set) var directories: [String] = []

    /// Loads every plugin found in `directories`.
    ///
    /// - Parameters:
    ///   - defaultDirectory: the build's products directory. Other libraries live there too
    ///     (LeakLabKit itself), so a library in it without the entry point is skipped quietly;
    ///     in a directory the user named, it is refused with a message.
    ///   - userDirectories: `--plugins DIR` options and `LEAKLAB_PLUGIN_PATH` entries.
    /// - Throws: ``RunnerError/usage(_:)`` when a user directory does not exist, is a file or
    ///   holds no `lib*.so`, or
    ///   two plugins have the same name or provide the same scenario id.
    ///   - host: the `leaklab-host` that opens each user plugin in a child first
    ///     (``PluginPreflight``); a plugin that crashes or exits it is refused by name.
    public init(defaultDirectory: String?, userDirectories: [String], host: String = Paths.executableDirectory + "/leaklab-host") throws(RunnerError) {
        var seen = Set<String>()
        var sources: [(directory: String, isDefault: Bool)] = []
        if let defaultDirectory { sources.append((defaultDirectory, true)) }
        for directory in userDirectories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
                throw .usage("plugin directory \(directory) does not exist (from --plugins or LEAKLAB_PLUGIN_PATH)")
            }
            guard isDirectory.boolValue else {
                let parent = (directory as NSString).deletingLastPathComponent
                throw .usage(
                    "--plugins (or LEAKLAB_PLUGIN_PATH) takes directories, and \(directory) is a file: pass the directory that holds it (\(parent.isEmpty ? "." : parent)); every plugin in it is loaded"
                )
            }
            guard !Self.libraries(in: directory).isEmpty else {
                let package = FileManager.default.fileExists(atPath: directory + "/Package.swift")
                throw .usage(
                    "no plugin in \(directory): --plugins (or LEAKLAB_PLUGIN_PATH) takes the directory that holds built plugins (lib*.so)"
                        + (package ? "; this is a package: build it (swift build -c release) and pass \(directory)/.build/release" : "")
                )
            }
            sources.append((directory, false))
        }
        for (directory, isDefault) in sources {
            directories.append(directory)
            for path in Self.libraries(in: directory) {
                let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard seen.insert(real).inserted else { continue }
                if !isDefault, let refusal = PluginPreflight.check(path, host: host) {
                    refused.append(refusal)
                    continue
                }
                do {
                    let manifest = try PluginLoadGuard.opening(path) { () throws(PluginLoadError) in try PluginLoader.load(path: path) }
                    plugins.append(Plugin(name: manifest.name, path: path, apiVersion: manifest.apiVersion, scenarios: manifest.scenarios))
                } catch {
                    if isDefault && error.kind == .notAPlugin { continue }
                    refused.append(error)
                }
            }
        }
        try checkUniqueIDs()
    }

    /// The plugin directories named in `LEAKLAB_PLUGIN_PATH` (colon-separated).
    public static func environmentDirectories(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        (environment["LEAKLAB_PLUGIN_PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// Every scenario, in plugin then declaration order.
    public var entries: [Entry] {
        plugins.flatMap { plugin in plugin.scenarios.map { Entry(scenario: $0, plugin: plugin) } }
    }

    /// The scenario with this id.
    public func entry(for id: String) throws(RunnerError) -> Entry {
        if let entry = entries.first(where: { $0.scenario.id == id }) { return entry }
        let known = entries.map(\.scenario.id).joined(separator: ", ")
        throw .usage("unknown scenario '\(id)'. Known scenarios: \(known.isEmpty ? "none (no plugins loaded)" : known). `leaklab list` shows them")
    }

    private mutating func checkUniqueIDs() throws(RunnerError) {
        var named: [String: Plugin] = [:]
        for plugin in plugins {
            // Reports, journals and `list` know a plugin by its name.
            if let first = named[plugin.name] {
                throw .usage(
                    "two plugins are named '\(plugin.name)': \(first.path) and \(plugin.path). Give each its own name in its manifest, or leave one out of --plugins"
                )
            }
            named[plugin.name] = plugin
        }
        var owner: [String: Plugin] = [:]
        for plugin in plugins {
            for scenario in plugin.scenarios {
                if let first = owner[scenario.id] {
                    throw .usage(
                        "scenario id '\(scenario.id)' is provided by two plugins: \(first.name) (\(first.path)) and \(plugin.name) (\(plugin.path)). Remove one, or rename the scenario"
                    )
                }
                owner[scenario.id] = plugin
            }
        }
    }

    /// Shared libraries in a directory, sorted so loading order is stable. LeakLabKit itself is
    /// left out: a plugin built in its own package has a copy beside it, and opening that copy by
    /// path would load a second LeakLabKit (the plugin itself binds to the loaded one by soname).
    static func libraries(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("lib") && $0.hasSuffix(".so") && $0 != "libLeakLabKit.so" }
            .sorted().map { "\(directory)/\($0)" }
    }
}
