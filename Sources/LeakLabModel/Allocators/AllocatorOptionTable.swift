/// What `--allocator-option` keys one allocator takes and how a value reaches its child: entries
/// of one environment variable that lists them (`MALLOC_CONF`, `GLIBC_TUNABLES`), or one
/// variable per option (`TCMALLOC_RELEASE_RATE`).
public struct AllocatorOptionTable: Sendable {
    /// The keys it knows, and what their values must look like.
    public var known: [String: AllocatorOptionValue]
    /// Other spellings of its keys (`M_TRIM_THRESHOLD` for `trim_threshold`).
    public var aliases: [String: String]
    /// A prefix its qualified keys may carry after the allocator's name, dropped
    /// (`glibc.malloc.trim_threshold`: `malloc.`).
    public var qualifiedPrefix: String?
    /// Keys that are not the allocator's but tell the child to do something (glibc's
    /// `trim-at-settle`); their values are `true` or `false`.
    public var childActions: [String: AllocatorChildAction]
    /// How a key it does not know is treated.
    public var unknownKeys: UnknownKeys
    /// How a rendered option reaches the child.
    public var delivery: Delivery
    /// Entries that come before the options in the listed variable, for exact counts
    /// (glibc's `glibc.malloc.tcache_count=0`); options given later win.
    public var exactCountEntries: [String]

    public init(
        known: [String: AllocatorOptionValue] = [:], aliases: [String: String] = [:], qualifiedPrefix: String? = nil,
        childActions: [String: AllocatorChildAction] = [:], unknownKeys: UnknownKeys, delivery: Delivery, exactCountEntries: [String] = []
    ) {
        self.known = known
        self.aliases = aliases
        self.qualifiedPrefix = qualifiedPrefix
        self.childActions = childActions
        self.unknownKeys = unknownKeys
        self.delivery = delivery
        self.exactCountEntries = exactCountEntries
    }

    /// How a key the table does not know is treated.
    public enum UnknownKeys: Sendable, Equatable {
        /// Passed on as text when the key names the allocator (`mimalloc.purge_delay`); with
        /// `unqualified`, also when it names none: the allocator checks its own settings
        /// (jemalloc reports a `MALLOC_CONF` key it does not know).
        case passedThrough(unqualified: Bool)
        /// Refused, naming the keys it takes; `noun` is what its keys are called ("malloc tunable").
        case refused(noun: String)
    }

    /// How a rendered option `name=value` reaches the child.
    public enum Delivery: Sendable, Equatable {
        /// Entries `prefix + name + separator + value` of one variable, joined by `joinedBy`
        /// (`MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0`); later entries win.
        case listed(variable: String, entryPrefix: String, separator: String, joinedBy: String)
        /// One variable per option, `prefix + NAME` uppercased (`TCMALLOC_RELEASE_RATE=10`).
        case variables(prefix: String)
    }

    /// The variable a listed delivery writes, `nil` for one variable per option.
    public var listedVariable: String? {
        if case .listed(let variable, _, _, _) = delivery { return variable }
        return nil
    }
}

/// Something the child does when an allocator option asks for it.
public enum AllocatorChildAction: String, Sendable, Equatable {
    /// Calls `malloc_trim(0)` once the workload has settled (glibc).
    case trimAtSettle
}

/// What an allocator option's value must look like.
public enum AllocatorOptionValue: Sendable, Equatable {
    case bool, milliseconds, bytes, count, rate, text

    /// What is expected, for a message.
    public var expected: String {
        switch self {
        case .bool: "true or false"
        case .milliseconds: "milliseconds, an integer ≥ -1 (-1: never)"
        case .bytes: "a size in bytes (e.g. 0, 131072, 128KiB)"
        case .count: "a whole number ≥ 0"
        case .rate: "a number ≥ 0 (0 never releases; the default is 1)"
        case .text: "a value without ',', ':' or '='"
        }
    }

    /// The value as the allocator wants it (sizes in bytes), or `nil` when it is not one.
    public func render(_ value: String) -> String? {
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
