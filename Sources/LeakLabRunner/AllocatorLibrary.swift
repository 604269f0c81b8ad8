import Foundation
import LeakLabModel

/// Finds the shared library to preload for an allocator.
///
/// `LEAKLAB_<NAME>_LIB` (e.g. `LEAKLAB_JEMALLOC_LIB`) names one explicitly; otherwise the usual
/// library directories are searched for the names Debian's packages install.
public enum AllocatorLibrary {
    static let directories = [
        "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
    ]

    static func fileNames(_ allocator: AllocatorName) -> [String] { allocator.traits.libraryFileNames }

    /// The library to preload, `nil` for glibc (nothing to preload).
    /// - Throws: ``RunnerError`` naming the package to install when the library is missing.
    public static func locate(_ allocator: AllocatorName, environment: [String: String] = ProcessInfo.processInfo.environment) throws(RunnerError) -> String? {
        guard !allocator.traits.libraryFileNames.isEmpty else { return nil }
        let key = "LEAKLAB_\(allocator.rawValue.uppercased())_LIB"
        if let explicit = environment[key] {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw RunnerError.usage("\(key)=\(explicit): no such file")
            }
            return explicit
        }
        for directory in directories {
            for name in fileNames(allocator) {
                let path = "\(directory)/\(name)"
                if FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        throw RunnerError.unavailable(
            "allocator \(allocator) is not installed: no \(fileNames(allocator).joined(separator: " or ")) in \(directories.joined(separator: ", ")). "
                + "Install \(allocator.traits.debianPackages.isEmpty ? "it" : allocator.traits.debianPackages.joined(separator: " or ")) (Scripts/setup does), or set \(key)"
        )
    }

    /// Whether the allocator can be used here.
    public static func isAvailable(_ allocator: AllocatorName) -> Bool {
        (try? locate(allocator)) != nil || allocator.traits.libraryFileNames.isEmpty
    }
}
