import LeakLabModel

/// A named allocator configuration: one allocator with its release-policy options, as one row of
/// `compare-allocators` (`--config NAME:ALLOCATOR[:k=v,…]` or a preset name).
///
/// The one place configurations are described: the presets, their explanations and the
/// default comparison are all derived from ``presets``.
///
/// Accounting: every jemalloc configuration runs with `MALLOC_CONF=tcache:false` first, and every
/// glibc one with `GLIBC_TUNABLES=glibc.malloc.tcache_count=0` (exact counts, as `run`, `audit`
/// and `validate` use), unless it sets `tcache` / `tcache_count` itself; only then
/// (``exactCounts`` false) is its allocated figure approximate.
public struct AllocatorConfiguration: Sendable, Equatable, Codable {
    /// The row's name, e.g. `jemalloc-no-decay`.
    public var name: String
    public var allocator: AllocatorName
    /// `--allocator-option` style entries (``AllocatorOptions``) for this configuration.
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

    /// Whether `allocated` counts every byte at the moment it is sampled. jemalloc with its
    /// thread cache on counts cached frees as still allocated (up to a few KiB per size class).
    public var exactCounts: Bool {
        if allocator == .glibc {
            let count = options["tcache_count"] ?? options["glibc.malloc.tcache_count"]
            return count == nil || count == "0"
        }
        guard allocator == .jemalloc else { return true }
        let tcache = options["tcache"] ?? options["jemalloc.tcache"]
        if let tcache { return tcache == "false" }
        return mallocConf?.contains("tcache:false") == true
    }

    /// The presets, in the order `--config` help and docs list them.
    public static let presets: [AllocatorConfiguration] = [
        .init(
            name: "jemalloc", allocator: .jemalloc, mallocConf: exactJemallocConf,
            summary: "jemalloc with its thread cache off (MALLOC_CONF=tcache:false): exact counts, the figure run/audit/validate give"),
        .init(
            name: "jemalloc-defaults", allocator: .jemalloc,
            summary: "jemalloc as shipped (no MALLOC_CONF): thread caches hold freed blocks, so allocated is approximate (±a few KiB); for its RSS behaviour"),
        .init(
            name: "jemalloc-no-decay", allocator: .jemalloc, options: ["dirty_decay_ms": "0", "muzzy_decay_ms": "0"], mallocConf: exactJemallocConf,
            summary: "jemalloc, exact counts, dirty and muzzy pages purged at once (dirty_decay_ms=0, muzzy_decay_ms=0)"),
        .init(
            name: "glibc", allocator: .glibc,
            summary: "glibc malloc with its per-thread cache off (GLIBC_TUNABLES=glibc.malloc.tcache_count=0): exact counts, the figure run/audit/validate give"
        ),
        .init(
            name: "glibc-defaults", allocator: .glibc, options: ["tcache_count": "7"],
            summary:
                "glibc malloc as shipped (tcache_count=7): chunks in the per-thread cache count as in use, so allocated is approximate; for its RSS behaviour"),
        .init(
            name: "glibc-trim", allocator: .glibc, options: ["trim-at-settle": "true"],
            summary: "glibc malloc, exact counts, the child calls malloc_trim(0) when the workload settles"),
        .init(name: "tcmalloc", allocator: .tcmalloc, summary: "tcmalloc at its defaults"),
        .init(
            name: "tcmalloc-release", allocator: .tcmalloc, options: ["release_rate": "10", "aggressive_decommit": "true"],
            summary: "tcmalloc releasing aggressively (TCMALLOC_RELEASE_RATE=10, TCMALLOC_AGGRESSIVE_DECOMMIT=true)"),
        .init(
            name: "mimalloc", allocator: .mimalloc,
            summary: "mimalloc at its defaults: RSS only, Debian's build keeps no byte statistics (docs/allocators.md)"),
    ]

    /// The default comparison: each allocator's plain preset.
    public static var defaults: [AllocatorConfiguration] {
        AllocatorName.allCases.compactMap { allocator in presets.first { $0.name == allocator.rawValue } }
    }

    /// A preset by name.
    public static func preset(_ name: String) -> AllocatorConfiguration? {
        presets.first { $0.name == name }
    }

    /// `NAME` (a preset) or `NAME:ALLOCATOR[:k=v,…]`.
    /// - Throws: ``RunnerError/usage(_:)`` naming an unknown preset or allocator, a bad name, or
    ///   an option that is not the allocator's or has a bad value.
    public static func parse(_ text: String) throws(RunnerError) -> AllocatorConfiguration {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw .usage("--config \(text): a name is letters, digits, '_', '-' or '.'")
        }
        guard parts.count > 1 else {
            guard let preset = preset(name) else {
                throw .usage("--config \(name): no such preset; presets are \(presets.map(\.name).joined(separator: ", ")), or give NAME:ALLOCATOR[:k=v,…]")
            }
            return preset
        }
        guard let allocator = AllocatorName(rawValue: parts[1]) else {
            throw .usage("--config \(text): unknown allocator '\(parts[1])'; choose from \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let preset = preset(name), preset.allocator != allocator {
            throw .usage("--config \(text): '\(name)' is the name of a \(preset.allocator) preset; give this \(allocator) configuration another name")
        }
        let arguments = parts.count > 2 ? parts[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
        guard !arguments.contains(where: \.isEmpty) else {
            throw .usage(
                "--config \(text): an empty option; separate k=v pairs with single commas, e.g. \(name):\(allocator):dirty_decay_ms=0,muzzy_decay_ms=0")
        }
        let options: AllocatorOptions
        do throws(RunnerError) {
            options = try AllocatorOptions(parsing: arguments)
            for key in options.entries.keys.sorted() {
                let option = try AllocatorOptions.resolve(key)
                guard option.allocator == allocator else { throw RunnerError.usage("--config \(text): \(key) is not a \(allocator) option") }
            }
            try options.validate(for: [allocator])
        } catch .usage(let message) where message.hasPrefix("--allocator-option ") {
            // The option grammar is --allocator-option's; the mistake is in this --config.
            throw .usage("--config \(text): " + message.dropFirst("--allocator-option ".count))
        }
        var configuration = preset(allocator.rawValue) ?? AllocatorConfiguration(name: name, allocator: allocator)
        configuration.name = name
        configuration.options = options.entries
        let described = options.entries.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        configuration.summary =
            "\(allocator)\(allocator == .jemalloc ? " (\(exactJemallocConf) unless tcache is set)" : allocator == .glibc ? " (tcache_count=0 unless set)" : "")"
            + (described.isEmpty ? "" : ", \(described)")
        return configuration
    }

    /// This configuration with `extra` options (`--allocator-option`) that apply to its allocator
    /// added; its own options win.
    public func adding(_ extra: AllocatorOptions) -> AllocatorConfiguration {
        var result = self
        result.options = extra.applying(to: allocator).merging(options) { $1 }
        return result
    }
}
