/// The family of leak a scenario belongs to.
///
/// The lab scores detectors per pattern. The built-in patterns are constants; a plugin may name
/// another pattern with ``init(_:)`` (kebab-case).
public struct LeakPattern: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Tasks or threads that wait forever: a continuation nobody resumes, a stream nobody finishes,
    /// a loop nobody cancels.
    public static let blockedTasks = LeakPattern("blocked-tasks")
    /// Closures that keep what they capture alive: retain cycles, registries, sub-slices.
    public static let closureCapture = LeakPattern("closure-capture")
    /// Caches and queues with no bound.
    public static let unboundedCache = LeakPattern("unbounded-cache")
    /// Files, sockets and timers that are opened or started and never closed or cancelled.
    public static let unclosedHandles = LeakPattern("unclosed-handles")
    /// Pools that keep their peak and what their buffers still reference.
    public static let poolRetention = LeakPattern("pool-retention")

    /// The patterns the lab ships scenarios for.
    public static let builtIn: [LeakPattern] = [
        .blockedTasks, .closureCapture, .unboundedCache, .unclosedHandles, .poolRetention,
    ]
}
