/// The version of the plugin API this build of LeakLabKit speaks.
///
/// A plugin writes the version it was built against through its entry point; the host refuses a
/// plugin whose version differs, before it touches anything else the plugin handed over, because
/// Swift gives no ABI check between two images.
///
/// - 1: the first API.
/// - 2: truth model v2 (``LeakPart``, ``GrowthShape``, one-off costs, expected outcomes,
///   ``Variant/truth(for:)``), and ``ScenarioContext`` tells the iteration counts. Source written
///   for version 1 compiles unchanged and keeps its meaning; a binary built against version 1
///   must be rebuilt (Swift gives no binary compatibility between the two layouts).
public let leakLabPluginAPIVersion: UInt32 = 2

/// What a plugin hands the host: its name and the scenarios it provides.
///
/// A plugin is a shared library (`lib*.so`) that exports one C entry point, `leaklab_plugin_v1`:
///
/// ```swift
/// import LeakLabKit
///
/// @_cdecl("leaklab_plugin_v1")
/// public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
///     PluginManifest(name: "my-plugin", scenarios: [myScenario]).export(apiVersion: apiVersion)
/// }
/// ```
///
/// The entry point's C signature is `void *leaklab_plugin_v1(uint32_t *apiVersion)`: the plugin
/// stores the API version it was built against in `*apiVersion` and returns an opaque, retained
/// reference to its manifest. Only a host of the same API version takes that reference.
public struct PluginManifest: Sendable {
    /// The plugin's name, shown by `leaklab list` and in error messages.
    public var name: String
    /// The API version the plugin was built against; normally ``leakLabPluginAPIVersion``.
    public var apiVersion: UInt32
    /// The scenarios this plugin provides. Their ids must be unique across all loaded plugins.
    public var scenarios: [Scenario]

    public init(name: String, scenarios: [Scenario]) {
        self.name = name
        self.apiVersion = leakLabPluginAPIVersion
        self.scenarios = scenarios
    }

    /// Hands this manifest to the host: writes the API version and returns a retained, opaque
    /// reference. Call it from the `leaklab_plugin_v1` entry point and return its result.
    public func export(apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
        apiVersion.pointee = self.apiVersion
        return Unmanaged.passRetained(ExportedManifest(self)).toOpaque()
    }

    /// Host side: takes the manifest back from the pointer an entry point returned.
    ///
    /// Only call this after checking that the entry point reported ``leakLabPluginAPIVersion``.
    /// Underscored: hosts call it, plugins never do.
    public static func _take(fromExported pointer: UnsafeMutableRawPointer) -> PluginManifest {
        Unmanaged<ExportedManifest>.fromOpaque(pointer).takeRetainedValue().manifest
    }
}

extension PluginManifest {
    /// What is wrong with this manifest, if anything: scenario ids and variant names must be
    /// kebab-case (they are used in file names, JSON keys and terminal output), variant names unique
    /// within a scenario, and every scenario needs a variant.
    public var validationProblem: String? {
        for scenario in scenarios {
            guard Self.isKebabCase(scenario.id) else {
                return "scenario id \(scenario.id.debugDescription) is not kebab-case (a-z, 0-9 and '-')"
            }
            if let problem = Self.problem(inScenario: scenario) { return "scenario '\(scenario.id)': \(problem)" }
            guard !scenario.variants.isEmpty else { return "scenario '\(scenario.id)' has no variants" }
            var names = Set<String>()
            for variant in scenario.variants {
                guard Self.isKebabCase(variant.name) else {
                    return "variant name \(variant.name.debugDescription) of '\(scenario.id)' is not kebab-case (a-z, 0-9 and '-')"
                }
                guard names.insert(variant.name).inserted else {
                    return "scenario '\(scenario.id)' has two variants named '\(variant.name)'"
                }
                if let problem = Self.problem(inTruth: variant.truth) {
                    return "the truth of \(scenario.id)/\(variant.name) \(problem)"
                }
            }
        }
        return nil
    }

    /// What is wrong with a scenario's own fields (not its variants), if anything: run lengths a
    /// run cannot have, parameters that clash or whose defaults their own checks refuse.
    static func problem(inScenario scenario: Scenario) -> String? {
        guard scenario.defaultIterations >= 2 else {
            return "defaultIterations is \(scenario.defaultIterations); a run needs at least 2 workload iterations"
        }
        guard scenario.defaultWarmUp >= 0 else { return "defaultWarmUp is \(scenario.defaultWarmUp); it must be 0 or more" }
        if let maximum = scenario.maximumIterations, maximum < scenario.defaultIterations {
            return "maximumIterations \(maximum) is below its defaultIterations \(scenario.defaultIterations)"
        }
        var seen = Set<String>()
        for spec in scenario.allParameters {
            guard seen.insert(spec.name).inserted else {
                let standard = ParameterSpec.standard.contains { $0.name == spec.name }
                return "declares the parameter '\(spec.name)' twice\(standard ? " (every scenario already takes it)" : "")"
            }
            do throws(ParameterError) {
                _ = try spec.validate(spec.defaultValue)
            } catch {
                return "the default of \(error.description)"
            }
        }
        return nil
    }

    /// What is wrong with a declared truth's figures, if anything: every figure must be a finite
    /// number, and rates, tolerances and one-offs not negative.
    static func problem(inTruth truth: GroundTruth) -> String? {
        let figures: [(String, Leakage)] = [("perIteration", truth.perIteration), ("tolerance", truth.tolerance), ("oneOff", truth.oneOff)]
        for (name, leakage) in figures {
            for metric in LeakMetric.allCases {
                let value = leakage[metric]
                guard value.isFinite else { return "declares \(name) \(metric) = \(value); give a finite number" }
                guard value >= 0 else { return "declares \(name) \(metric) = \(value); it cannot be negative" }
            }
        }
        if case .bounded(let cap, _) = truth.shape {
            for metric in LeakMetric.allCases where !cap[metric].isFinite || cap[metric] < 0 {
                return "declares a bounded cap of \(cap[metric]) \(metric); give a finite number, 0 or more"
            }
        }
        if let plateau = truth.plateauBytes, !plateau.isFinite || plateau < 0 {
            return "declares plateauBytes = \(plateau); give a finite number, 0 or more"
        }
        return nil
    }

    static func isKebabCase(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.first != "-" && text.last != "-"
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// The C signature of `leaklab_plugin_v1`.
public typealias PluginEntryPoint = @convention(c) (UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer?

/// The name of the entry point every plugin exports.
public let pluginEntryPointSymbol = "leaklab_plugin_v1"

/// A box so a manifest (a struct) can cross the C entry point as an opaque reference.
///
/// `@usableFromInline`: release builds optimise across modules and may inline ``PluginManifest/export(apiVersion:)``
/// into a plugin, which then needs this class's symbols exported from the LeakLabKit library.
@usableFromInline
final class ExportedManifest: Sendable {
    @usableFromInline let manifest: PluginManifest
    @usableFromInline init(_ manifest: PluginManifest) { self.manifest = manifest }
}
