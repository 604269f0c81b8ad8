import Foundation
import Glibc

/// Turns a plugin that calls `exit()` while the runner itself opens it into a clear failure.
///
/// ``PluginPreflight`` opens each user plugin in a throw-away child first, but a library can tell
/// that child from the runner (its command line) and exit only in the runner, which would end the
/// command silently with status 0 — a CI gate that passed. While a plugin is being opened, an
/// `atexit` handler stands by: an exit then prints which plugin did it and ends with
/// status ``badPluginStatus`` instead. (`_exit` skips `atexit` handlers and cannot be caught this way.)
public enum PluginLoadGuard {
    /// The status the runner ends with when a plugin exits while it is being opened: 2, bad input.
    public static let badPluginStatus: Int32 = 2
    nonisolated(unsafe) private static var opening: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var installed = false

    /// Runs `body` (opening the plugin at `path`) with the guard up.
    public static func opening<T, E: Error>(_ path: String, _ body: () throws(E) -> T) throws(E) -> T {
        if !installed {
            installed = true
            atexit {
                guard let path = PluginLoadGuard.opening else { return }
                let message =
                    "leaklab: the plugin \(String(cString: path)) called exit() while being opened (its library constructor or its entry point); nothing was run. Leave it out of --plugins and LEAKLAB_PLUGIN_PATH.\n"
                _ = message.withCString { write(2, $0, strlen($0)) }
                _exit(PluginLoadGuard.badPluginStatus)
            }
        }
        opening = strdup(path)
        defer {
            free(opening)
            opening = nil
        }
        return try body()
    }
}
