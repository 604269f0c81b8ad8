import Foundation

/// Where the lab's own files are.
public enum Paths {
    /// The directory of the running executable: the build's products directory, where
    /// `leaklab-host` and the scenario plugins are built.
    public static var executableDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }
}
