/// The allocators a child can run under. glibc is the default malloc (nothing preloaded); the
/// others are preloaded with `LD_PRELOAD`.
///
/// The one description of each allocator the rest derives from: its package, its libraries (what
/// `AllocatorLibrary` looks for, what `ChildEnvironment` drops from a user's preloads, how
/// `AllocatorDetection` names the library that serves `malloc`). Exhaustive switches elsewhere
/// (probes, options, size-class rounding) make the compiler list what a new one needs.
public enum AllocatorName: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case jemalloc, glibc, mimalloc, tcmalloc
    public var description: String { rawValue }

    /// The shared objects its Debian packages install, in the order to look for them; none for
    /// glibc, whose malloc is the C library's own.
    public var libraryFileNames: [String] {
        switch self {
        case .jemalloc: ["libjemalloc.so.2", "libjemalloc.so"]
        case .glibc: []
        case .mimalloc: ["libmimalloc.so.2", "libmimalloc.so"]
        case .tcmalloc: ["libtcmalloc_minimal.so.4", "libtcmalloc.so.4", "libtcmalloc_minimal.so", "libtcmalloc.so"]
        }
    }

    /// Whether the library at `path` is this allocator's, by its file name (`libjemalloc.so.2`,
    /// glibc's `libc.so.6`).
    public func ownsLibrary(_ path: String) -> Bool {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        switch self {
        case .glibc: return file.hasPrefix("libc.so") || file.hasPrefix("libc-")
        case .jemalloc, .mimalloc, .tcmalloc: return file.contains(rawValue)
        }
    }

    /// The allocator whose library `path` is, if any.
    public init?(library path: String) {
        guard let found = Self.allCases.first(where: { $0.ownsLibrary(path) }) else { return nil }
        self = found
    }

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
