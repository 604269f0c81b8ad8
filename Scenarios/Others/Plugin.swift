import LeakLabKit

/// The plugin's entry point: hands the host the scenarios of the smaller patterns.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(
        name: "others",
        scenarios: [unsafeAllocationScenario, continuationMisuseScenario, dripScenario]
    ).export(apiVersion: apiVersion)
}

extension LeakPattern {
    /// Memory allocated through unsafe pointers or C and never freed: no ARC, no owner.
    static let unmanagedMemory = LeakPattern("unmanaged-memory")
    /// Leaks inside the Swift runtime itself, triggered by misuse.
    static let runtime = LeakPattern("runtime")
}
