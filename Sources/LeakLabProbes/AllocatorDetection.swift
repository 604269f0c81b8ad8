import CLeakLabShims
import LeakLabModel

/// Finds which allocator serves `malloc` in this process: the library that defines the `malloc`
/// symbol the process resolves, by `dladdr`. Verified, not assumed from what was preloaded.
public enum AllocatorDetection {
    /// The shared object that defines `malloc` here, and which allocator that is.
    public static func detect() -> (allocator: AllocatorName?, library: String?) {
        guard let name = leaklab_library_defining("malloc") else { return (nil, nil) }
        let library = String(cString: name)
        return (AllocatorName(library: library), library)
    }
}
