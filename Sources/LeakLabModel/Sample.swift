import LeakLabKit

/// One measurement of a child process, taken at a phase change or every few iterations.
///
/// A metric the allocator or platform cannot give is `nil` and left out of JSON: absent, never 0.
public struct Sample: Codable, Sendable, Equatable {
    /// Seconds since the child started sampling.
    public var t: Double
    public var phase: Phase
    /// Iterations completed so far, warm-up included (0 during set-up).
    public var iteration: Int

    /// Bytes allocated by the application, as the allocator counts them
    /// (jemalloc `stats.allocated`, glibc `uordblks + hblkhd`, tcmalloc `current_allocated_bytes`).
    public var allocated: Int?
    /// jemalloc `stats.active`: bytes in active pages.
    public var active: Int?
    /// jemalloc `stats.resident`: bytes in physically resident data pages mapped by the allocator.
    public var resident: Int?
    /// jemalloc `stats.mapped`.
    public var mapped: Int?
    /// jemalloc `stats.retained`: virtual memory kept for reuse, not returned to the OS.
    public var retained: Int?
    /// jemalloc `stats.metadata`.
    public var metadata: Int?
    /// Allocations served so far (jemalloc: small + large `nmalloc`, all arenas).
    public var mallocs: Int?
    /// Deallocations so far (jemalloc: small + large `ndalloc`, all arenas).
    public var frees: Int?

    /// Resident set size from /proc, bytes.
    public var rss: Int?
    /// Open file descriptors, from /proc/self/fd.
    public var fds: Int?
    /// Threads in the process, from /proc/self/stat.
    public var threads: Int?
    /// Figures copied from an earlier sample rather than read afresh (the probe reads the costly
    /// ones, fds and threads, once every few periodic samples); nil when every figure is fresh.
    public var reused: [Metric]? = nil
    /// Live Swift tasks in the process (not completed), counted by scanning its own memory
    /// (``TaskCensus``); `nil` where the runtime's layout is unknown or the canary failed.
    public var tasks: Int?

    public init(
        t: Double, phase: Phase, iteration: Int,
        allocated: Int? = nil, active: Int? = nil, resident: Int? = nil, mapped: Int? = nil,
        retained: Int? = nil, metadata: Int? = nil, mallocs: Int? = nil, frees: Int? = nil,
        rss: Int? = nil, fds: Int? = nil, threads: Int? = nil, tasks: Int? = nil
    ) {
        self.t = t
        self.phase = phase
        self.iteration = iteration
        self.allocated = allocated
        self.active = active
        self.resident = resident
        self.mapped = mapped
        self.retained = retained
        self.metadata = metadata
        self.mallocs = mallocs
        self.frees = frees
        self.rss = rss
        self.fds = fds
        self.threads = threads
        self.tasks = tasks
    }

    /// Live heap objects (mallocs − frees), when both counters exist.
    public var liveObjects: Int? {
        guard let mallocs, let frees else { return nil }
        return mallocs - frees
    }

    /// Sets a stored figure (not `liveObjects`, which is derived).
    public mutating func set(_ metric: Metric, _ value: Int?) {
        switch metric {
        case .allocated: allocated = value
        case .active: active = value
        case .resident: resident = value
        case .mapped: mapped = value
        case .retained: retained = value
        case .metadata: metadata = value
        case .mallocs: mallocs = value
        case .frees: frees = value
        case .liveObjects: break
        case .rss: rss = value
        case .fds: fds = value
        case .threads: threads = value
        case .tasks: tasks = value
        }
    }

    /// The value of a metric in this sample.
    public subscript(metric: Metric) -> Int? {
        switch metric {
        case .allocated: allocated
        case .active: active
        case .resident: resident
        case .mapped: mapped
        case .retained: retained
        case .metadata: metadata
        case .mallocs: mallocs
        case .frees: frees
        case .liveObjects: liveObjects
        case .rss: rss
        case .fds: fds
        case .threads: threads
        case .tasks: tasks
        }
    }
}

/// The metrics a sample may carry.
public enum Metric: String, Codable, Sendable, CaseIterable {
    case allocated, active, resident, mapped, retained, metadata, mallocs, frees, liveObjects, rss, fds, threads, tasks

    /// Metrics measured in bytes.
    public var isBytes: Bool {
        switch self {
        case .allocated, .active, .resident, .mapped, .retained, .metadata, .rss: true
        default: false
        }
    }
}
