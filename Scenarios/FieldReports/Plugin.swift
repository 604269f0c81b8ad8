import LeakLabKit

/// The plugin's entry point: leaks from the field, each reduced from a public report it cites.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(
        name: "field-reports",
        scenarios: [
            // Still leaking on Swift 6.3.1.
            cStringUsingEncodingScenario, fileSystemRepresentationScenario, urlSessionDelegateScenario,
            taskGroupResultsScenario, taskCapturesSelfScenario, cancellationRegistryScenario,
            streamMapTerminationScenario,
            // Fixed upstream: clean variants that show the fix holds.
            taskGroupReleaseScenario, asyncStreamConcurrentNextScenario, sortedKeysEncoderScenario,
            dispatchDataScenario, nsDataBytesScenario,
        ]
    ).export(apiVersion: apiVersion)
}
