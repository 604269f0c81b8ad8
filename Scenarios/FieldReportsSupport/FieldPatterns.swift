import LeakLabKit

/// The patterns the field reports (both plugins) fall under. The built-in ones come from LeakLabKit;
/// these two are the same strings the `others` plugin names, so detectors are scored across the
/// plugins at once.
extension LeakPattern {
    /// Memory allocated outside ARC's reach and never freed: a malloc'ed copy nobody frees.
    package static let unmanagedMemory = LeakPattern("unmanaged-memory")
    /// Leaks inside the Swift runtime or its core libraries (Foundation, Dispatch).
    package static let runtime = LeakPattern("runtime")
}
