/// The allocators a child can run under. glibc is the default malloc (nothing preloaded); the
/// others are preloaded with `LD_PRELOAD`.
///
/// The name is all a run records; what the lab knows of each allocator is its
/// ``AllocatorTraits`` (one file each in this folder), and every list of allocators, libraries,
/// packages, options and presets is derived from them. Adding an allocator: a case here, its line
/// in ``traits``, its `AllocatorTraits+Name.swift`, and — only if it keeps counters — its probe in
/// the child (docs/architecture.md, "Adding an allocator").
public enum AllocatorName: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case jemalloc, glibc, tcmalloc, mimalloc
    public var description: String { rawValue }

    /// What the lab knows of it: the registry of ``AllocatorTraits``.
    public var traits: AllocatorTraits {
        switch self {
        case .jemalloc: .jemalloc
        case .glibc: .glibc
        case .tcmalloc: .tcmalloc
        case .mimalloc: .mimalloc
        }
    }

    /// Whether the library at `path` is this allocator's, by its file name (`libjemalloc.so.2`,
    /// glibc's `libc.so.6`).
    public func ownsLibrary(_ path: String) -> Bool { traits.ownsLibrary(path) }

    /// The allocator whose library `path` is, if any.
    public init?(library path: String) {
        guard let found = Self.allCases.first(where: { $0.ownsLibrary(path) }) else { return nil }
        self = found
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
