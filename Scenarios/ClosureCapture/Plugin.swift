import LeakLabKit

/// The plugin's entry point: hands the host the closure-capture scenarios.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(
        name: "closure-capture",
        scenarios: [retainCycleScenario, callbackRegistryScenario, sliceRetentionScenario]
    ).export(apiVersion: apiVersion)
}
