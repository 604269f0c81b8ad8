import LeakLabKit

/// What the runner asks a child to do. Passed as JSON in the child's one argument, so a tool such
/// as valgrind can run the same child with the same request.
public struct RunRequest: Codable, Sendable, Equatable {
    /// The plugin's shared library.
    public var pluginPath: String
    public var scenario: String
    public var variant: String
    /// Validated parameter values (every parameter, defaults included).
    public var parameters: [String: String]
    public var warmUpIterations: Int
    public var workloadIterations: Int
    /// Take a sample every this many iterations.
    public var sampleEvery: Int
    /// The longest the settle phase lasts after the workload's own `settle`, in milliseconds; the
    /// host ends it sooner once the process has stopped changing (LeakLabHost's `SettleWatch`).
    public var settleMillis: Int
    /// Samples taken across the settle phase, in requests before adaptive settle; the host now
    /// samples settle every few milliseconds until it ends and ignores this.
    public var settleSamples: Int
    /// The allocator the runner preloaded; the child reports which one it finds.
    public var allocator: AllocatorName
    public var budgets: Budgets
    /// Call glibc's `malloc_trim(0)` once the workload's own `settle` has run
    /// (`--allocator-option trim-at-settle=true`). Absent in older requests: `false`.
    public var trimAtSettle: Bool = false
    /// Count live Swift tasks (the `tasks` metric and the census). Off for runs under a leak
    /// tool: the scanner's copies of heap pages would hold pointers the tool's own scan finds.
    /// Absent in older requests: `true`.
    public var countTasks: Bool = true

    public init(
        pluginPath: String, scenario: String, variant: String, parameters: [String: String],
        warmUpIterations: Int, workloadIterations: Int, sampleEvery: Int, settleMillis: Int = 300,
        settleSamples: Int = 6, allocator: AllocatorName, budgets: Budgets, trimAtSettle: Bool = false
    ) {
        self.pluginPath = pluginPath
        self.scenario = scenario
        self.variant = variant
        self.parameters = parameters
        self.warmUpIterations = warmUpIterations
        self.workloadIterations = workloadIterations
        self.sampleEvery = sampleEvery
        self.settleMillis = settleMillis
        self.settleSamples = settleSamples
        self.allocator = allocator
        self.budgets = budgets
        self.trimAtSettle = trimAtSettle
    }

    private enum CodingKeys: String, CodingKey {
        case pluginPath, scenario, variant, parameters, warmUpIterations, workloadIterations, sampleEvery
        case settleMillis, settleSamples, allocator, budgets, trimAtSettle, countTasks
    }

    /// Decodes requests written before `trimAtSettle` existed (a tool replaying a saved request).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pluginPath = try c.decode(String.self, forKey: .pluginPath)
        scenario = try c.decode(String.self, forKey: .scenario)
        variant = try c.decode(String.self, forKey: .variant)
        parameters = try c.decode([String: String].self, forKey: .parameters)
        warmUpIterations = try c.decode(Int.self, forKey: .warmUpIterations)
        workloadIterations = try c.decode(Int.self, forKey: .workloadIterations)
        sampleEvery = try c.decode(Int.self, forKey: .sampleEvery)
        settleMillis = try c.decode(Int.self, forKey: .settleMillis)
        settleSamples = try c.decode(Int.self, forKey: .settleSamples)
        allocator = try c.decode(AllocatorName.self, forKey: .allocator)
        budgets = try c.decode(Budgets.self, forKey: .budgets)
        trimAtSettle = try c.decodeIfPresent(Bool.self, forKey: .trimAtSettle) ?? false
        countTasks = try c.decodeIfPresent(Bool.self, forKey: .countTasks) ?? true
    }

    /// A sampling interval that gives a run about `target` samples over warm-up and workload.
    public static func sampleInterval(iterations: Int, target: Int = 200) -> Int {
        max(1, iterations / max(1, target))
    }
}

/// What a child says to the runner, one JSON object a line on the file descriptor
/// ``ChildChannel/fileDescriptor`` — except samples, which go into the shared ``SampleRing`` when
/// the runner gave one (and on the pipe when it is full or absent). Samples are written as they
/// are taken, so a child that dies leaves everything it measured behind.
public enum ChildMessage: Codable, Sendable, Equatable {
    /// The first message: which allocator serves malloc, and what cannot be measured.
    case hello(allocator: AllocatorReport, unavailableMetrics: [Metric])
    case sample(Sample)
    /// The live tasks grouped by where they wait (at the end of settle), frames not yet named.
    case census(TaskCensus)
    /// The scenario's code threw; the child exits after this.
    case failed(phase: Phase, message: String)
    /// Every phase ran.
    case finished
}

/// Where the child writes its messages.
public enum ChildChannel {
    /// The child's fd 3 is the write end of the runner's pipe.
    public static let fileDescriptor: Int32 = 3
    /// The environment variable that tells the child which fd to use when not 3 (tools that wrap
    /// the child may open their own fds first).
    public static let environmentKey = "LEAKLAB_CHANNEL_FD"
    /// The host's exit status when a write to the runner failed with EPIPE (the runner has gone).
    public static let runnerGoneStatus: Int32 = 4
    /// The host's exit status when a write to the runner failed otherwise (EBADF: the scenario
    /// closed fd 3, or put something else there).
    public static let channelClosedStatus: Int32 = 5
}
