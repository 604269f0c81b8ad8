/// Everything the lab knows of one allocator, in one value: where its library is and how to tell
/// it is the one serving `malloc`, how `--allocator-option` reaches it, how its byte counts differ
/// from jemalloc's, and the configurations `compare-allocators` offers for it.
///
/// One file per allocator, `AllocatorTraits+Name.swift` beside this one, holds its traits;
/// ``AllocatorName/traits`` is the registry, and a test checks it against the folder. The only
/// other file an allocator may need is its statistics probe in the child
/// (`Sources/LeakLabProbes/*Probe.swift`, listed in `ProbeSet.allocatorProbes`), and only if it
/// keeps counters the lab can read.
public struct AllocatorTraits: Sendable {
    public var name: AllocatorName
    /// The shared objects its Debian packages install, in the order to look for them; none for
    /// an allocator that is never preloaded (glibc's malloc is the C library's own).
    public var libraryFileNames: [String]
    /// The Debian packages that provide them, any one of which will do (what `Scripts/setup`
    /// installs, and what a "not installed" message names).
    public var debianPackages: [String]
    /// Whether a shared object with this file name (no directory: `libjemalloc.so.2`) is its own.
    public var ownsLibraryFile: @Sendable (String) -> Bool
    /// How `--allocator-option` keys reach it.
    public var options: AllocatorOptionTable
    /// How far its byte count of a leak may lie from the jemalloc count a truth declares.
    public var sizeClassBand: SizeClassBand
    /// The counter its `allocated` figure comes from, for reports; `nil` when it has none.
    public var allocatedSource: String?
    /// Whether a configuration of it counts every byte at the moment it is sampled, given the
    /// configuration's options and its starting `MALLOC_CONF`; `false` when a cache of freed
    /// blocks it keeps on counts them as allocated.
    public var countsExactly: @Sendable (_ options: [String: String], _ mallocConf: String?) -> Bool
    /// Why a configuration that does not count exactly is approximate, for the comparison's notes.
    /// `configuration` is the row's name.
    public var approximateCountsNote: @Sendable (_ configuration: String) -> String
    /// What a comparison that includes it must say about its figures, if anything.
    public var comparisonNote: String?
    /// Its rows for `compare-allocators --config`; the first is named after it and is its default row.
    public var presets: [AllocatorConfiguration]

    public init(
        name: AllocatorName, libraryFileNames: [String], debianPackages: [String],
        ownsLibraryFile: @escaping @Sendable (String) -> Bool, options: AllocatorOptionTable, sizeClassBand: SizeClassBand = .none,
        allocatedSource: String?, countsExactly: @escaping @Sendable ([String: String], String?) -> Bool = { _, _ in true },
        approximateCountsNote: @escaping @Sendable (String) -> String = { "\($0): its counts are approximate" },
        comparisonNote: String? = nil, presets: [AllocatorConfiguration]
    ) {
        self.name = name
        self.libraryFileNames = libraryFileNames
        self.debianPackages = debianPackages
        self.ownsLibraryFile = ownsLibraryFile
        self.options = options
        self.sizeClassBand = sizeClassBand
        self.allocatedSource = allocatedSource
        self.countsExactly = countsExactly
        self.approximateCountsNote = approximateCountsNote
        self.comparisonNote = comparisonNote
        self.presets = presets
    }

    /// Whether the library at `path` is this allocator's, by its file name.
    public func ownsLibrary(_ path: String) -> Bool {
        ownsLibraryFile(path.split(separator: "/").last.map(String.init) ?? path)
    }
}

/// How far an allocator's byte count of a leak may lie from jemalloc's, per iteration: up to
/// ``belowShare`` of the declared bytes less, and up to ``abovePerBlock`` bytes more per declared
/// block. See ``SizeClassRounding`` for why, and the figures measured.
public struct SizeClassBand: Sendable, Equatable {
    /// The share of the declared bytes it may count less (0.2: 20 %).
    public var belowShare: Double
    /// Bytes per declared block it may count more.
    public var abovePerBlock: Double

    public init(belowShare: Double, abovePerBlock: Double) {
        self.belowShare = belowShare
        self.abovePerBlock = abovePerBlock
    }

    /// jemalloc's own classes, or an allocator that counts no bytes.
    public static let none = SizeClassBand(belowShare: 0, abovePerBlock: 0)
}
