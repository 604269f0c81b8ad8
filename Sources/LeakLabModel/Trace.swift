import LeakLabKit

/// What a detector sees of a run: samples, phases, parameters and metadata — never the truth.
///
/// This is also the JSON a `--detector-cmd` program reads on stdin.
public struct Trace: Codable, Sendable, Equatable {
    public var scenario: String
    public var variant: String
    public var pattern: String
    public var allocator: AllocatorReport
    public var parameters: [String: String]
    public var warmUpIterations: Int
    public var workloadIterations: Int
    /// A sample was taken every this many iterations (and at every phase change).
    public var sampleEvery: Int
    public var outcome: RunOutcome
    /// Metrics this run could not measure (absent from every sample).
    public var unavailableMetrics: [Metric]
    public var samples: [Sample]
    /// The live Swift tasks at the end of settle, grouped by where they wait (names included);
    /// absent where tasks cannot be counted.
    public var census: TaskCensus?

    public init(
        scenario: String, variant: String, pattern: String, allocator: AllocatorReport,
        parameters: [String: String], warmUpIterations: Int, workloadIterations: Int,
        sampleEvery: Int, outcome: RunOutcome, unavailableMetrics: [Metric], samples: [Sample],
        census: TaskCensus? = nil
    ) {
        self.scenario = scenario
        self.variant = variant
        self.pattern = pattern
        self.allocator = allocator
        self.parameters = parameters
        self.warmUpIterations = warmUpIterations
        self.workloadIterations = workloadIterations
        self.sampleEvery = sampleEvery
        self.outcome = outcome
        self.unavailableMetrics = unavailableMetrics
        self.samples = samples
        self.census = census
    }

    /// Samples of one phase, in order.
    public func samples(in phase: Phase) -> [Sample] {
        samples.filter { $0.phase == phase }
    }

    /// The last sample before the workload started: the end of warm-up (or of set-up).
    public var baseline: Sample? {
        samples.last { $0.phase < .workload }
    }
}

/// A detector's answer for one trace.
public struct DetectorVerdict: Codable, Sendable, Equatable {
    /// The detector's name (`trend`, `memcheck`, or the program a `--detector-cmd` ran).
    public var detector: String
    /// Whether it says the run leaks. `nil` when the detector failed.
    public var leak: Bool?
    /// Estimated leak per workload iteration, in bytes.
    public var ratePerIteration: Double?
    /// Estimated fds, threads or tasks left behind per iteration, where the detector looks at them.
    public var resourceRates: [String: Double]?
    /// 0...1.
    public var confidence: Double?
    /// The iteration at which, evaluated online as samples arrived, it would first have said leak.
    public var firstIteration: Int?
    /// Why the detector failed (bad output, time-out, tool missing), when it did.
    public var failure: String?
    /// One line on what the detector saw.
    public var note: String?
    /// For detectors that run the variant again under an external tool (memcheck, lsan,
    /// heaptrack): the tool run's wall time ÷ the plain run's. Absent for trace detectors and in
    /// JSON written before tool detectors existed.
    public var overhead: Double?

    public init(
        detector: String, leak: Bool?, ratePerIteration: Double? = nil, resourceRates: [String: Double]? = nil,
        confidence: Double? = nil, firstIteration: Int? = nil, failure: String? = nil, note: String? = nil,
        overhead: Double? = nil
    ) {
        self.detector = detector
        self.leak = leak
        self.ratePerIteration = ratePerIteration
        self.resourceRates = resourceRates
        self.confidence = confidence
        self.firstIteration = firstIteration
        self.failure = failure
        self.note = note
        self.overhead = overhead
    }

    public static func failed(_ detector: String, _ reason: String) -> DetectorVerdict {
        DetectorVerdict(detector: detector, leak: nil, failure: reason)
    }
}
