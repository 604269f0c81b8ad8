#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Host side: opens a plugin's shared library and takes its manifest.
///
/// Libraries are opened with `RTLD_NOW | RTLD_NODELETE` and never closed: unloading a Swift image
/// leaves dangling metadata in the runtime's caches, and the next protocol lookup would crash.
public enum PluginLoader {
    /// Loads the plugin at `path`; every failure says which file and why.
    public static func load(path: String) throws(PluginLoadError) -> PluginManifest {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_NODELETE) else {
            var reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            // dlerror starts with the path, which the error's description already gives.
            if reason.hasPrefix(path + ": ") { reason.removeFirst(path.count + 2) }
            throw PluginLoadError(path: path, kind: .cannotOpen, reason: reason)
        }
        guard let symbol = dlsym(handle, pluginEntryPointSymbol) else {
            throw PluginLoadError(
                path: path, kind: .notAPlugin,
                reason: "it does not export \(pluginEntryPointSymbol); a LeakLab plugin exports it with @_cdecl(\"\(pluginEntryPointSymbol)\")")
        }
        let entry = unsafeBitCast(symbol, to: PluginEntryPoint.self)
        var version: UInt32 = 0
        let exported = entry(&version)
        guard version == leakLabPluginAPIVersion else {
            // Never touch what a plugin of another version returned: its layout is unknown.
            throw PluginLoadError(
                path: path, kind: .wrongAPIVersion,
                reason:
                    "it was built for plugin API version \(version); this lab speaks version \(leakLabPluginAPIVersion). Rebuild it against this LeakLabKit (source written for version 1 compiles unchanged)"
            )
        }
        guard let exported else {
            throw PluginLoadError(path: path, kind: .notAPlugin, reason: "its \(pluginEntryPointSymbol) returned no manifest")
        }
        let manifest = PluginManifest._take(fromExported: exported)
        if let problem = manifest.validationProblem {
            throw PluginLoadError(path: path, kind: .invalidManifest, reason: problem)
        }
        return manifest
    }
}

/// Why a shared library could not be used as a plugin.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case cannotOpen = "cannot-open"
        case notAPlugin = "not-a-plugin"
        case wrongAPIVersion = "wrong-api-version"
        case invalidManifest = "invalid-manifest"
    }

    public var path: String
    public var kind: Kind
    public var reason: String

    public init(path: String, kind: Kind, reason: String) {
        self.path = path
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
