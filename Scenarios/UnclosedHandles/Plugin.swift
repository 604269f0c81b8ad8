import LeakLabKit

/// The plugin's entry point: hands the host the unclosed-handles scenarios.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(
        name: "unclosed-handles",
        scenarios: [unclosedFilesScenario, unclosedSocketsScenario, uncancelledTimersScenario]
    ).export(apiVersion: apiVersion)
}
