import LeakLabKit

/// The plugin's entry point: leaks from the field, each reduced from a public report it cites,
/// that need only the Swift runtime and Dispatch. Those that need Foundation are in the
/// `field-reports-foundation` plugin, so that a run of one of these links no Foundation, ICU or
/// curl (about 20 ms of dynamic linking a child).
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(
        name: "field-reports",
        scenarios: [
            // Still leaking on Swift 6.3.1.
            taskGroupResultsScenario, taskCapturesSelfScenario, cancellationRegistryScenario, streamMapTerminationScenario,
            // Fixed upstream: clean variants that show the fix holds.
            taskGroupReleaseScenario, asyncStreamConcurrentNextScenario, dispatchDataScenario,
        ]
    ).export(apiVersion: apiVersion)
}
