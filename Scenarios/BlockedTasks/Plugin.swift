import LeakLabKit

/// The plugin's entry point: hands the host the blocked-tasks and blocked-threads scenarios.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(name: "blocked-tasks", scenarios: [blockedTasksScenario, blockedThreadsScenario])
        .export(apiVersion: apiVersion)
}
