import LeakLabKit

/// The plugin's entry point. The lab `dlopen`s the library, finds this C symbol, and takes the
/// manifest it returns; `export` also writes the API version, which the lab checks first.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(name: "example", scenarios: [stringLogScenario]).export(apiVersion: apiVersion)
}
