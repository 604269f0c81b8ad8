import LeakLabKit

/// The plugin's entry point: hands the host the pool-retention scenario.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(name: "pool-retention", scenarios: [bufferPoolScenario])
        .export(apiVersion: apiVersion)
}
