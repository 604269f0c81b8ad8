import CLeakLabShims
import LeakLabModel

/// Finds which allocator serves `malloc` in this process: the library that defines the `malloc`
/// symbol the process resolves, by `dladdr`. Verified, not assumed from what was preloaded.
public enum AllocatorDetection {
    /// The shared object that defines `malloc` here, and which allocator that is.
    public static func detect() -> (allocator: AllocatorName?, library: String?) {
        guard let name = leaklab_library_defining("malloc") else { return (nil, nil) }
        let library = String(cString: name)
        return (allocator(forLibrary: library), library)
    }

    /// Which allocator a library path belongs to, from its file name.
    public static func allocator(forLibrary path: String) -> AllocatorName? {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        if file.contains("jemalloc") { return .jemalloc }
        if file.contains("mimalloc") { return .mimalloc }
        if file.contains("tcmalloc") { return .tcmalloc }
        if file.hasPrefix("libc.so") || file.hasPrefix("libc-") { return .glibc }
        return nil
    }
}
