/// A named allocator configuration: one allocator with its release-policy options, as one row of
/// `compare-allocators` (`--config NAME:ALLOCATOR[:k=v,…]` or a preset name).
///
/// The presets are each allocator's own (``AllocatorTraits/presets``); the preset list, its
/// explanations and the default comparison are all derived from them.
///
/// Accounting: every jemalloc configuration runs with `MALLOC_CONF=tcache:false` first, and every
/// glibc one with `GLIBC_TUNABLES=glibc.malloc.tcache_count=0` (exact counts, as `run`, `audit`
/// and `validate` use), unless it sets `tcache` / `tcache_count` itself; only then
/// (``exactCounts`` false) is its allocated figure approximate.
public struct AllocatorConfiguration: Sendable, Equatable, Codable {
    /// The row's name, e.g. `jemalloc-no-decay`.
    public var name: String
    public var allocator: AllocatorName
    /// `--allocator-option` style entries (``AllocatorOptionTable``) for this configuration.
    public var options: [String: String]
    /// `MALLOC_CONF` the child starts with before `options` (jemalloc only): `tcache:false`, or
    /// `nil` for jemalloc's own defaults.
    public var mallocConf: String?
    /// One sentence: what this configuration changes and why it is worth a row.
    public var summary: String

    public init(name: String, allocator: AllocatorName, options: [String: String] = [:], mallocConf: String? = nil, summary: String = "") {
        self.name = name
        self.allocator = allocator
        self.options = options
        self.mallocConf = mallocConf
        self.summary = summary
    }

    /// `MALLOC_CONF` for exact jemalloc counts, the default of every command that runs variants:
    /// the thread cache off, so `stats.allocated` moves with every malloc and free; and one arena.
    ///
    /// Why one arena: every sample refreshes jemalloc's statistics (`epoch`), which merges every
    /// arena's bins and large classes, ~9 µs per arena here, and jemalloc gives each thread that
    /// allocates its own arena up to 4 × cores. One arena keeps a sample's cost the same however
    /// many threads a scenario starts (the probe benchmark: 18 µs with two arenas, 9.6 µs with
    /// one; `run retain-cycle/strong-self` 15 % faster). Counts are sums over arenas and do not
    /// change; over the default `validate` matrix every verdict but `resident-delta`'s was the
    /// same, and `resident-delta`, which reads `stats.resident`, was right more often (60 of 68
    /// against 53–57) and flipped less between runs. `jemalloc-defaults` keeps jemalloc's own.
    public static let exactJemallocConf = "tcache:false,narenas:1"

    /// Whether `allocated` counts every byte at the moment it is sampled
    /// (``AllocatorTraits/countsExactly``): jemalloc with its thread cache on counts cached frees
    /// as still allocated (up to a few KiB per size class), glibc with its tcache on likewise.
    public var exactCounts: Bool { allocator.traits.countsExactly(options, mallocConf) }

    /// The presets, each allocator's (``AllocatorTraits/presets``) in the order of
    /// ``AllocatorName/allCases``: the order `--config` help and docs list them.
    public static let presets: [AllocatorConfiguration] = AllocatorName.allCases.flatMap(\.traits.presets)

    /// The default comparison: each allocator's plain preset (its first).
    public static var defaults: [AllocatorConfiguration] {
        AllocatorName.allCases.compactMap(\.traits.presets.first)
    }

    /// A preset by name.
    public static func preset(_ name: String) -> AllocatorConfiguration? {
        presets.first { $0.name == name }
    }
}
