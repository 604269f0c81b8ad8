import LeakLabKit

/// The plugin's entry point: hands the host the unbounded-cache scenarios.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(name: "unbounded-cache", scenarios: [dictionaryCacheScenario, streamBacklogScenario])
        .export(apiVersion: apiVersion)
}
