import LeakLabKit

/// Everything known about one run: the trace, the truth it is judged against, how it ended, and
/// every detector's verdict. `leaklab run --json` writes one; `validate --json` holds many.
public struct RunRecord: Codable, Sendable, Equatable {
    /// The version of this JSON shape.
    public static let currentSchema = "leaklab.run/1"

    public var schema: String = RunRecord.currentSchema
    public var scenario: String
    public var variant: String
    public var pattern: String
    public var role: Variant.Role
    public var plugin: String
    public var allocator: AllocatorReport
    /// `MALLOC_CONF` the child ran with (jemalloc options such as `tcache:false`), if any.
    public var mallocConf: String?
    /// The `--allocator-option` values that applied to this run's allocator, as given; absent
    /// when none did (and in records written before the option existed).
    public var allocatorOptions: [String: String]?
    /// The named allocator configuration (`compare-allocators --config`) the run belongs to;
    /// absent outside a comparison.
    public var configuration: String?
    public var parameters: [String: String]
    public var warmUpIterations: Int
    public var workloadIterations: Int
    public var sampleEvery: Int
    public var truth: GroundTruth
    public var outcome: RunOutcome
    /// What ended the run, when it did not complete: the budget, the signal, the error; then what
    /// the runner had to contain, if anything (``ContainmentReport/notes``), completed or not.
    public var outcomeDetail: String?
    public var budgets: Budgets
    public var wallSeconds: Double
    public var unavailableMetrics: [Metric]
    public var samples: [Sample]
    /// Measured growth per workload iteration, against the truth.
    public var growth: Growth?
    public var verdicts: [DetectorVerdict]
    /// The last lines the child wrote to stdout and stderr.
    public var childOutput: String?
    /// The child's peak resident memory (its VmHWM, else the highest RSS the runner saw), bytes.
    /// Absent in records written before it was kept.
    public var peakRSS: Int?
    /// How memory was contained: `cgroup v2` (memory.max), `cgroup v1` (memory.limit_in_bytes) or
    /// `watchdog` (the runner's RSS watchdog and RLIMIT_DATA only). Older records say `cgroup` for
    /// v2. Absent in records written before it was kept.
    public var memoryContainment: String?
    /// The live Swift tasks at the end of settle, grouped by where they wait; absent where tasks
    /// cannot be counted (and in records written before the census existed).
    public var census: TaskCensus?
    /// What the runner had to contain besides the outcome: leftover processes killed, output
    /// capped, unreadable lines on the channel. Absent in records written before it was kept.
    public var containment: ContainmentReport?

    public init(
        scenario: String, variant: String, pattern: String, role: Variant.Role, plugin: String,
        allocator: AllocatorReport, parameters: [String: String], warmUpIterations: Int,
        workloadIterations: Int, sampleEvery: Int, truth: GroundTruth, outcome: RunOutcome,
        outcomeDetail: String? = nil, budgets: Budgets, wallSeconds: Double,
        unavailableMetrics: [Metric], samples: [Sample], growth: Growth? = nil,
        verdicts: [DetectorVerdict] = [], childOutput: String? = nil
    ) {
        self.scenario = scenario
        self.variant = variant
        self.pattern = pattern
        self.role = role
        self.plugin = plugin
        self.allocator = allocator
        self.parameters = parameters
        self.warmUpIterations = warmUpIterations
        self.workloadIterations = workloadIterations
        self.sampleEvery = sampleEvery
        self.truth = truth
        self.outcome = outcome
        self.outcomeDetail = outcomeDetail
        self.budgets = budgets
        self.wallSeconds = wallSeconds
        self.unavailableMetrics = unavailableMetrics
        self.samples = samples
        self.growth = growth
        self.verdicts = verdicts
        self.childOutput = childOutput
    }

    /// The run as a detector sees it: without truth or verdicts.
    public var trace: Trace {
        Trace(
            scenario: scenario, variant: variant, pattern: pattern, allocator: allocator,
            parameters: parameters, warmUpIterations: warmUpIterations,
            workloadIterations: workloadIterations, sampleEvery: sampleEvery, outcome: outcome,
            unavailableMetrics: unavailableMetrics, samples: samples, census: census)
    }

    /// `scenario/variant`.
    public var key: String { "\(scenario)/\(variant)" }

    /// Whether the run ended as its variant declares (``GroundTruth/expectedOutcome``): a crash a
    /// variant declares is as expected, a timeout it does not declare is not.
    public var endedAsDeclared: Bool { outcome.rawValue == truth.expectedOutcome.rawValue }
}

/// Limits on one child. Going over memory, open files or threads ends the run as
/// `budget-exceeded`; going over wall time ends it as `timed-out`.
public struct Budgets: Codable, Sendable, Equatable {
    /// Resident memory, bytes: watched from outside (and a cgroup's memory.max where one can be
    /// made), with RLIMIT_DATA at ``dataLimitBytes`` inside.
    public var memoryBytes: Int
    /// RLIMIT_NOFILE.
    public var openFiles: Int
    /// Seconds from spawn to exit.
    public var wallSeconds: Double
    /// Threads in the child at once, watched from outside (RLIMIT_NPROC is per user, and root
    /// ignores it).
    public var threads: Int

    public init(memoryBytes: Int, openFiles: Int, wallSeconds: Double, threads: Int = Budgets.defaultThreads) {
        self.memoryBytes = memoryBytes
        self.openFiles = openFiles
        self.wallSeconds = wallSeconds
        self.threads = threads
    }

    /// The thread budget unless one is given.
    public static let defaultThreads = 1_024

    /// 2 GiB, 4,096 files, 120 s, 1,024 threads: room for two children at once on a 24 GiB,
    /// 2-core machine, with every leaky scenario at its default iterations well inside.
    public static let `default` = Budgets(memoryBytes: 2 << 30, openFiles: 4_096, wallSeconds: 120)

    /// RLIMIT_DATA, the backstop the child sets on itself: twice the memory budget (at least the
    /// budget + 2 GiB, for allocator reservations), plus an 8 MiB stack reservation for every
    /// thread the thread budget allows. RLIMIT_DATA counts address space, not memory use: without
    /// the stacks' share a variant starting one thread per iteration ran out of it at ~300 threads
    /// with 26 MiB resident. The watchdog (RSS) and the run's cgroup (memory.max or
    /// memory.limit_in_bytes) are what stop a leak.
    public var dataLimitBytes: Int { max(memoryBytes * 2, memoryBytes + (2 << 30)) + threads * Self.threadStackReservation }

    /// The stack glibc reserves for a thread created with default attributes (RLIMIT_STACK, 8 MiB
    /// on most systems).
    public static let threadStackReservation = 8 << 20

    private enum CodingKeys: String, CodingKey { case memoryBytes, openFiles, wallSeconds, threads }

    /// Decodes budgets written before `threads` existed with the default thread budget.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        memoryBytes = try container.decode(Int.self, forKey: .memoryBytes)
        openFiles = try container.decode(Int.self, forKey: .openFiles)
        wallSeconds = try container.decode(Double.self, forKey: .wallSeconds)
        threads = try container.decodeIfPresent(Int.self, forKey: .threads) ?? Budgets.defaultThreads
    }
}
