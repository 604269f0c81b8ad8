import Foundation
import Synchronization

/// The AddressSanitizer build of the host and the scenario plugins, for LeakSanitizer:
/// `swift build -c release --sanitize=address --scratch-path <root>/.build-asan`.
///
/// Built on demand the first time `lsan` is asked for, with a message on stderr while it builds
/// (about a minute on 2 cores), and reused while no source file is newer than its host.
/// One build at a time per process; SwiftPM serialises builds of the same scratch path across
/// processes.
public enum SanitizedBuild {
    /// Each package root's build result, once known; held while a build runs, so a second caller
    /// waits for the first build instead of starting its own.
    private static let checked = Mutex<[String: Result<String, BuildError>]>([:])

    public struct BuildError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The scratch path of the ASan build for the package at `root`.
    public static func scratchPath(root: String) -> String { "\(root)/.build-asan" }

    /// The products directory of the ASan build, building it first if it is missing or stale.
    /// - Parameter log: told when a build starts and ends.
    public static func productsDirectory(root: String, log: (String) -> Void) -> Result<String, BuildError> {
        checked.withLock { checked in
            if let known = checked[root] { return known }
            let result = build(root: root, log: log)
            checked[root] = result
            return result
        }
    }

    private static func build(root: String, log: (String) -> Void) -> Result<String, BuildError> {
        let scratch = scratchPath(root: root)
        let products = "\(scratch)/release"
        let host = "\(products)/leaklab-host"
        if let built = modificationDate(host), newestSource(root: root).map({ $0 <= built }) ?? true {
            return .success(products)
        }
        guard let swift = ToolFiles.which("swift") else {
            return .failure(BuildError(description: "lsan needs `swift` on PATH to build the sanitized host"))
        }
        log("lsan: building the host and plugins with AddressSanitizer in \(scratch) (once; about a minute on 2 cores)…")
        let started = Date()
        let output = ToolFiles.temporaryPath("asan-build.log")
        defer { unlink(output) }
        // In a session of its own (setsid), registered with the command's children: an
        // interrupted command kills the whole build (swift-build and its compilers) instead of
        // leaving it running as an orphan in the shared scratch path.
        let arguments = ["build", "-c", "release", "--sanitize=address", "--scratch-path", scratch, "--package-path", root]
        let setsid = ToolFiles.which("setsid")
        let status = ToolFiles.runToEnd(
            setsid ?? swift, (setsid == nil ? [] : [swift]) + arguments,
            stdout: output, stderr: output, trackedAsChild: true)
        guard status == 0, FileManager.default.isExecutableFile(atPath: host) else {
            let tail = (ToolFiles.read(output) ?? "").split(separator: "\n").suffix(8).joined(separator: "\n")
            return .failure(BuildError(description: "the AddressSanitizer build failed (status \(status)):\n\(tail)"))
        }
        log(String(format: "lsan: sanitized build ready (%.0f s)", Date().timeIntervalSince(started)))
        return .success(products)
    }

    /// The newest modification time among the package's sources, plugins and manifest.
    static func newestSource(root: String) -> Date? {
        var newest = modificationDate("\(root)/Package.swift")
        for folder in ["Sources", "Scenarios", "LeakLabKit/Sources", "LeakLabKit/Package.swift"] {
            let path = "\(root)/\(folder)"
            guard let enumerator = FileManager.default.enumerator(atPath: path) else {
                if let date = modificationDate(path) { newest = max(newest ?? date, date) }
                continue
            }
            while let relative = enumerator.nextObject() as? String {
                guard relative.hasSuffix(".swift") || relative.hasSuffix(".c") || relative.hasSuffix(".h") else { continue }
                if let date = modificationDate("\(path)/\(relative)") { newest = max(newest ?? date, date) }
            }
        }
        return newest
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
