import LeakLabKit

/// The lab's version, as `leaklab --version` prints it with the plugin API version it loads.
/// Bump `lab` (semantic versioning) when a release changes behaviour users or CI scripts see;
/// the plugin API has its own number, ``leakLabPluginAPIVersion``, bumped when plugins must be
/// rebuilt.
public enum LeakLabVersion {
    public static let lab = "0.17.0"

    /// `leaklab 0.17.0 (plugin API v2)`.
    public static var description: String { "leaklab \(lab) (plugin API v\(leakLabPluginAPIVersion))" }
}
