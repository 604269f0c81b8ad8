/// The allocators a child can run under. glibc is the default malloc (nothing preloaded); the
/// others are preloaded with `LD_PRELOAD`.
public enum AllocatorName: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case jemalloc, glibc, mimalloc, tcmalloc
    public var description: String { rawValue }

    /// The Debian package that provides the shared library, for messages and Scripts.
    public var debianPackage: String? {
        switch self {
        case .jemalloc: "libjemalloc2"
        case .glibc: nil
        case .mimalloc: "libmimalloc2.0"
        case .tcmalloc: "libgoogle-perftools4 or libtcmalloc-minimal4"
        }
    }
}

/// Which allocator a run asked for and which one actually served `malloc` in the child.
public struct AllocatorReport: Codable, Sendable, Equatable {
    public var requested: AllocatorName
    /// Found by the child from the library that defines the `malloc` it calls; `nil` if it could not tell.
    public var active: AllocatorName?
    /// The shared object `malloc` resolved to in the child.
    public var library: String?
    /// The library that was preloaded, if any.
    public var preloaded: String?
    /// The allocator's version where it says (jemalloc `version`).
    public var version: String?

    public init(requested: AllocatorName, active: AllocatorName? = nil, library: String? = nil, preloaded: String? = nil, version: String? = nil) {
        self.requested = requested
        self.active = active
        self.library = library
        self.preloaded = preloaded
        self.version = version
    }
}
