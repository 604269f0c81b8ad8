import LeakLabKit

/// The plugin's entry point: observers registered on a Foundation `NotificationCenter` and never
/// removed. Apart from `others` because it links Foundation, which costs every child that loads
/// the plugin about 10 ms.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(name: "observer-registration", scenarios: [observerRegistrationScenario]).export(apiVersion: apiVersion)
}

extension LeakPattern {
    /// Observers registered on a long-lived notification center and never removed.
    static let observerRegistration = LeakPattern("observer-registration")
}
