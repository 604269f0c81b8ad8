import Glibc
import LeakLabKit
import LeakLabModel

/// `leaklab-host --check-plugin PATH`: opens one plugin and reads its manifest, as the runner
/// would, and exits. The runner runs this before it opens a plugin it has never seen itself
/// (`PluginPreflight` in LeakLabRunner; ``PluginCheckProtocol``): a library that crashes or exits
/// while loading takes down this child, not the lab.
enum PluginCheck {
    static func run(path: String) -> Never {
        do {
            _ = try PluginLoader.load(path: path)
            Host.write(PluginCheckProtocol.loadedMark + "\n", to: STDOUT_FILENO)
            exit(PluginCheckProtocol.loadedStatus)
        } catch {
            Host.write("leaklab-host: \(error.description)\n", to: STDERR_FILENO)
            exit(PluginCheckProtocol.refusedStatus)
        }
    }
}
