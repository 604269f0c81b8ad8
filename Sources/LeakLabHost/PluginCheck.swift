import Foundation
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
            FileHandle.standardOutput.write(Data((PluginCheckProtocol.loadedMark + "\n").utf8))
            exit(PluginCheckProtocol.loadedStatus)
        } catch {
            FileHandle.standardError.write(Data("leaklab-host: \(error.description)\n".utf8))
            exit(PluginCheckProtocol.refusedStatus)
        }
    }
}
