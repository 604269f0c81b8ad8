import LeakLabModel

/// `--allocator-option KEY=VALUE`: release-policy knobs for the child's allocator, mapped onto
/// the switch each allocator reads.
///
/// | allocator | keys | becomes |
/// | --- | --- | --- |
/// | jemalloc | `dirty_decay_ms`, `muzzy_decay_ms`, `background_thread`, `tcache`, any other | `MALLOC_CONF` entries `k:v` |
/// | glibc | `trim_threshold`, `mmap_threshold`, `top_pad`, `mmap_max`, `arena_max`, `tcache_count` (or `M_TRIM_THRESHOLD`…) | `GLIBC_TUNABLES=glibc.malloc.k=v` |
/// | glibc | `trim-at-settle=true` | the child calls `malloc_trim(0)` when the workload has settled |
/// | tcmalloc | `release_rate`, `aggressive_decommit`, `max_total_thread_cache_bytes` | `TCMALLOC_RELEASE_RATE` etc. |
///
/// A key may name its allocator: `jemalloc.narenas=1`, `glibc.malloc.trim_threshold=0`,
/// `tcmalloc.max_total_thread_cache_bytes=…`, `mimalloc.purge_delay=0` (→ `MIMALLOC_PURGE_DELAY`).
/// An unqualified key no table knows goes to jemalloc, which checks its own `MALLOC_CONF`: any key
/// passes through, and jemalloc itself reports one it does not know. The same options serve every
/// allocator of a `compare-allocators` run; each child gets the ones for its allocator.
public struct AllocatorOptions: Sendable, Equatable {
    /// The options as given, `KEY → VALUE`.
    public var entries: [String: String]

    public init(_ entries: [String: String] = [:]) {
        self.entries = entries
    }

    /// Parses `KEY=VALUE` arguments.
    /// - Throws: ``RunnerError/usage(_:)`` naming an argument without `=`, with an empty key or
    ///   value, or a key given twice with different values.
    public init(parsing arguments: [String]) throws(RunnerError) {
        var entries: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
                argument.index(after: equals) != argument.endIndex
            else {
                throw .usage("--allocator-option expects KEY=VALUE (e.g. dirty_decay_ms=0), got '\(argument)'")
            }
            let key = String(argument[..<equals]), value = String(argument[argument.index(after: equals)...])
            if let earlier = entries[key], earlier != value {
                throw .usage("--allocator-option \(key) given twice (\(earlier) and \(value))")
            }
            entries[key] = value
        }
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Checks every option's value, and that it applies to one of `allocators`.
    /// - Throws: ``RunnerError/usage(_:)`` naming the option and the allocator it belongs to.
    public func validate(for allocators: [AllocatorName]) throws(RunnerError) {
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            let option = try Self.resolve(key)
            guard allocators.contains(option.allocator) else {
                let runs = allocators.map(\.rawValue).joined(separator: ", ")
                let passThrough = option.kind == .passThrough ? " (an unknown key is passed to jemalloc's MALLOC_CONF)" : ""
                throw .usage("--allocator-option \(key): a \(option.allocator) option\(passThrough), but this run uses \(runs)")
            }
            _ = try option.render(value, key: key)
        }
    }

    /// The options that apply to `allocator`, as given: what a run under it records.
    public func applying(to allocator: AllocatorName) -> [String: String] {
        entries.filter { (try? Self.resolve($0.key).allocator) == allocator }
    }

    /// What a child under `allocator` gets from these options; others' options are left out.
    /// - Throws: ``RunnerError/usage(_:)`` for a bad value.
    public func environment(for allocator: AllocatorName) throws(RunnerError) -> Settings {
        var settings = Settings()
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            let option = try Self.resolve(key)
            guard option.allocator == allocator else { continue }
            settings.applied[key] = value
            let rendered = try option.render(value, key: key)
            switch option.kind {
            case .trimAtSettle: settings.trimAtSettle = rendered == "true"
            case .passThrough, .known:
                switch allocator {
                case .jemalloc: settings.mallocConf.append("\(option.name):\(rendered)")
                case .glibc: settings.glibcTunables.append("glibc.malloc.\(option.name)=\(rendered)")
                case .tcmalloc: settings.variables["TCMALLOC_\(option.name.uppercased())"] = rendered
                case .mimalloc: settings.variables["MIMALLOC_\(option.name.uppercased())"] = rendered
                }
            }
        }
        return settings
    }

    /// What the options do to one child.
    public struct Settings: Sendable, Equatable {
        /// `k:v` entries appended to `MALLOC_CONF` (later entries win in jemalloc).
        public var mallocConf: [String] = []
        /// `glibc.malloc.k=v` entries appended to `GLIBC_TUNABLES`.
        public var glibcTunables: [String] = []
        /// Other environment variables (`TCMALLOC_RELEASE_RATE`, `MIMALLOC_…`).
        public var variables: [String: String] = [:]
        /// glibc: call `malloc_trim(0)` once the workload has settled.
        public var trimAtSettle = false
        /// The options that took effect, as given.
        public var applied: [String: String] = [:]

        public init() {}
    }
}

extension AllocatorOptions {
    /// One option resolved to its allocator and the name that allocator knows it by.
    struct Option {
        enum Kind: Equatable {
            case known(ValueKind)
            case passThrough, trimAtSettle
        }
        var allocator: AllocatorName
        var name: String
        var kind: Kind

        /// The value as the allocator wants it, checked.
        func render(_ value: String, key: String) throws(RunnerError) -> String {
            let valueKind: ValueKind
            switch kind {
            case .known(let known): valueKind = known
            case .trimAtSettle: valueKind = .bool
            case .passThrough: valueKind = .text
            }
            guard let rendered = valueKind.render(value, allocator: allocator) else {
                throw .usage("--allocator-option \(key)=\(value): \(allocator) \(name) takes \(valueKind.expected)")
            }
            return rendered
        }
    }

    /// What a value must look like.
    enum ValueKind: Equatable {
        case bool, milliseconds, bytes, count, rate, text

        var expected: String {
            switch self {
            case .bool: "true or false"
            case .milliseconds: "milliseconds, an integer ≥ -1 (-1: never)"
            case .bytes: "a size in bytes (e.g. 0, 131072, 128KiB)"
            case .count: "a whole number ≥ 0"
            case .rate: "a number ≥ 0 (0 never releases; the default is 1)"
            case .text: "a value without ',', ':' or '='"
            }
        }

        func render(_ value: String, allocator: AllocatorName) -> String? {
            switch self {
            case .bool: return ["true", "false"].contains(value) ? value : nil
            case .milliseconds: return Int(value).flatMap { $0 >= -1 ? String($0) : nil }
            case .bytes: return ByteSize.parse(value).map(String.init)
            case .count: return Int(value).flatMap { $0 >= 0 ? String($0) : nil }
            case .rate: return Double(value).flatMap { $0 >= 0 && $0.isFinite ? value : nil }
            case .text: return value.contains(where: { ",:=".contains($0) }) ? nil : value
            }
        }
    }

    static let jemallocKeys: [String: ValueKind] = [
        "dirty_decay_ms": .milliseconds, "muzzy_decay_ms": .milliseconds,
        "background_thread": .bool, "tcache": .bool, "retain": .bool, "narenas": .count,
    ]
    static let glibcKeys: [String: ValueKind] = [
        "trim_threshold": .bytes, "mmap_threshold": .bytes, "top_pad": .bytes,
        "mmap_max": .count, "arena_max": .count, "tcache_count": .count,
    ]
    static let tcmallocKeys: [String: ValueKind] = [
        "release_rate": .rate, "aggressive_decommit": .bool, "max_total_thread_cache_bytes": .bytes,
    ]

    /// Which allocator a key belongs to, and its name there.
    static func resolve(_ key: String) throws(RunnerError) -> Option {
        var name = key
        var named: AllocatorName?
        for allocator in AllocatorName.allCases where key.hasPrefix("\(allocator.rawValue).") {
            named = allocator
            name = String(key.dropFirst(allocator.rawValue.count + 1))
        }
        if named == .glibc, name.hasPrefix("malloc.") { name = String(name.dropFirst("malloc.".count)) }
        // Aliases: the mallopt names and the environment variable names.
        let aliases = [
            "M_TRIM_THRESHOLD": "trim_threshold", "M_MMAP_THRESHOLD": "mmap_threshold", "M_TOP_PAD": "top_pad",
            "M_MMAP_MAX": "mmap_max", "M_ARENA_MAX": "arena_max", "TCMALLOC_RELEASE_RATE": "release_rate",
            "trim_at_settle": "trim-at-settle",
        ]
        name = aliases[name] ?? name
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw .usage("--allocator-option \(key): not an option name (letters, digits, '_', '-', '.')")
        }
        if name == "trim-at-settle", named == nil || named == .glibc {
            return Option(allocator: .glibc, name: name, kind: .trimAtSettle)
        }
        let tables: [(AllocatorName, [String: ValueKind])] = [(.jemalloc, jemallocKeys), (.glibc, glibcKeys), (.tcmalloc, tcmallocKeys)]
        for (allocator, table) in tables where named == nil || named == allocator {
            if let kind = table[name] { return Option(allocator: allocator, name: name, kind: .known(kind)) }
        }
        switch named {
        case .glibc?:
            let known = (glibcKeys.keys.sorted() + ["trim-at-settle"]).joined(separator: ", ")
            throw .usage("--allocator-option \(key): glibc has no malloc tunable '\(name)'; it takes \(known)")
        case let allocator?:
            // jemalloc checks MALLOC_CONF itself; tcmalloc and mimalloc read TCMALLOC_*/MIMALLOC_* variables.
            return Option(allocator: allocator, name: name, kind: .passThrough)
        case nil:
            return Option(allocator: .jemalloc, name: name, kind: .passThrough)
        }
    }
}
