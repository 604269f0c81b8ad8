import LeakLabModel

/// `--allocator-option KEY=VALUE`: release-policy knobs for the child's allocator, mapped onto
/// the switches each allocator reads, as its ``AllocatorTraits/options`` table says:
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
                let passThrough = option.kind == .passThrough ? " (a key it does not know is passed on for \(option.allocator) to check)" : ""
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
        let table = allocator.traits.options
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            let option = try Self.resolve(key)
            guard option.allocator == allocator else { continue }
            settings.applied[key] = value
            let rendered = try option.render(value, key: key)
            switch option.kind {
            case .childAction(.trimAtSettle): settings.trimAtSettle = rendered == "true"
            case .passThrough, .known:
                switch table.delivery {
                case .listed(let variable, let prefix, let separator, _):
                    settings.listed[variable, default: []].append(prefix + option.name + separator + rendered)
                case .variables(let prefix):
                    settings.variables[prefix + option.name.uppercased()] = rendered
                }
            }
        }
        return settings
    }

    /// What the options do to one child.
    public struct Settings: Sendable, Equatable {
        /// Entries for variables that list them, by variable: `MALLOC_CONF` entries `k:v`,
        /// `GLIBC_TUNABLES` entries `glibc.malloc.k=v`, appended to what the child already has
        /// (later entries win in both).
        public var listed: [String: [String]] = [:]
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
            case known(AllocatorOptionValue)
            case passThrough
            case childAction(AllocatorChildAction)
        }
        var allocator: AllocatorName
        var name: String
        var kind: Kind

        /// The value as the allocator wants it, checked.
        func render(_ value: String, key: String) throws(RunnerError) -> String {
            let valueKind: AllocatorOptionValue
            switch kind {
            case .known(let known): valueKind = known
            case .childAction: valueKind = .bool
            case .passThrough: valueKind = .text
            }
            guard let rendered = valueKind.render(value) else {
                throw .usage("--allocator-option \(key)=\(value): \(allocator) \(name) takes \(valueKind.expected)")
            }
            return rendered
        }
    }

    /// Which allocator a key belongs to, and its name there: the allocator it names
    /// (`glibc.trim_threshold`), else the first whose table knows it, in the order of
    /// ``AllocatorName/allCases``, else the allocator that takes unknown unqualified keys.
    static func resolve(_ key: String) throws(RunnerError) -> Option {
        var name = key
        var named: AllocatorName?
        for allocator in AllocatorName.allCases where key.hasPrefix("\(allocator.rawValue).") {
            named = allocator
            name = String(key.dropFirst(allocator.rawValue.count + 1))
            if let prefix = allocator.traits.options.qualifiedPrefix, name.hasPrefix(prefix) { name = String(name.dropFirst(prefix.count)) }
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw .usage("--allocator-option \(key): not an option name (letters, digits, '_', '-', '.')")
        }
        let candidates = named.map { [$0] } ?? AllocatorName.allCases
        for allocator in candidates {
            let table = allocator.traits.options
            let known = table.aliases[name] ?? name
            if let action = table.childActions[known] { return Option(allocator: allocator, name: known, kind: .childAction(action)) }
            if let kind = table.known[known] { return Option(allocator: allocator, name: known, kind: .known(kind)) }
        }
        if let named {
            switch named.traits.options.unknownKeys {
            case .refused(let noun):
                let table = named.traits.options
                let known = (table.known.keys.sorted() + table.childActions.keys.sorted()).joined(separator: ", ")
                throw .usage("--allocator-option \(key): \(named) has no \(noun) '\(name)'; it takes \(known)")
            case .passedThrough:
                // It checks its own settings (jemalloc's MALLOC_CONF) or reads its own variables.
                return Option(allocator: named, name: name, kind: .passThrough)
            }
        }
        guard let taker = AllocatorName.allCases.first(where: { $0.traits.options.unknownKeys == .passedThrough(unqualified: true) }) else {
            throw .usage("--allocator-option \(key): no allocator has an option '\(name)'")
        }
        return Option(allocator: taker, name: name, kind: .passThrough)
    }
}
