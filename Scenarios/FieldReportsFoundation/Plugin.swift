import LeakLabKit

/// The plugin's entry point: leaks from the field in Foundation (and FoundationNetworking), each
/// reduced from a public report it cites. Kept apart from `field-reports` because linking
/// Foundation costs every child that loads the plugin about 10 ms, and FoundationNetworking with
/// curl about 10 ms more.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(
        name: "field-reports-foundation",
        scenarios: [
            // Still leaking on Swift 6.3.1.
            cStringUsingEncodingScenario, fileSystemRepresentationScenario, urlSessionDelegateScenario,
            // Fixed upstream: clean variants that show the fix holds.
            sortedKeysEncoderScenario, nsDataBytesScenario,
        ]
    ).export(apiVersion: apiVersion)
}
