import LeakLabKit

/// Growth per workload iteration as measured, beside the truth it is judged against.
public struct Growth: Codable, Sendable, Equatable {
    /// Heap bytes per iteration (slope of `allocated`); `nil` when the allocator gives no count.
    public var bytes: Double?
    /// Live objects per iteration (slope of mallocs − frees).
    public var objects: Double?
    public var fds: Double?
    public var threads: Double?
    /// Live Swift tasks per iteration (slope of `tasks`); `nil` where tasks cannot be counted.
    public var tasks: Double?
    /// RSS per iteration: what a dashboard would show.
    public var rss: Double?
    /// Resident bytes outside the malloc heap per iteration (``LeakMeasurement``); absent in
    /// records written before it was measured.
    public var nonHeapBytes: Double?

    public init(
        bytes: Double? = nil, objects: Double? = nil, fds: Double? = nil, threads: Double? = nil, rss: Double? = nil,
        tasks: Double? = nil
    ) {
        self.bytes = bytes
        self.objects = objects
        self.fds = fds
        self.threads = threads
        self.rss = rss
        self.tasks = tasks
    }

    /// Measures growth over the workload phase: the Theil–Sen slope of each metric against the
    /// iteration, over the workload samples and the last sample before them. A robust slope,
    /// because the runtime's own one-off steps (a new worker thread's caches) would otherwise
    /// read as growth in a short run.
    public static func measure(_ trace: Trace) -> Growth {
        var window = trace.samples(in: .workload)
        if let baseline = trace.baseline { window.insert(baseline, at: 0) }
        func slope(_ metric: Metric) -> Double? {
            let points = window.compactMap { sample in sample[metric].map { (Double(sample.iteration), Double($0)) } }
            return Statistics.robustSlope(points)
        }
        var growth = Growth(
            bytes: slope(.allocated), objects: slope(.liveObjects), fds: slope(.fds),
            threads: slope(.threads), rss: slope(.rss), tasks: slope(.tasks))
        growth.nonHeapBytes = LeakMeasurement.slope(.nonHeapBytes, in: trace)
        return growth
    }

    /// Each measured figure against the declared truth, with whether it is within tolerance.
    /// Bounded variants grow during the workload by design; they are judged by
    /// ``BoundedShape`` instead, so nothing is compared here. Tolerances are the declared ones.
    /// The figures are over the whole workload: a leak with an onset is judged after it by
    /// ``TruthAudit``.
    public func comparison(with truth: GroundTruth) -> [GrowthCheck] {
        var checks: [GrowthCheck] = []
        if truth.verdict == .bounded {
            return checks
        }
        func add(_ name: String, _ measured: Double?, _ declared: Double, _ tolerance: Double) {
            guard let measured else { return }
            checks.append(GrowthCheck(metric: name, measured: measured, declared: declared, tolerance: tolerance))
        }
        add("bytes", bytes, truth.perIteration.bytes, truth.tolerance.bytes)
        add("objects", objects, truth.perIteration.objects, truth.tolerance.objects)
        add("fds", fds, truth.perIteration.fds, truth.tolerance.fds)
        add("threads", threads, truth.perIteration.threads, truth.tolerance.threads)
        if truth.perIteration.nonHeapBytes != 0 {
            add("non-heap bytes", nonHeapBytes, truth.perIteration.nonHeapBytes, truth.tolerance.nonHeapBytes)
        }
        return checks
    }
}

/// One measured per-iteration figure against its declared value.
public struct GrowthCheck: Codable, Sendable, Equatable {
    public var metric: String
    public var measured: Double
    public var declared: Double
    public var tolerance: Double
    public var withinTolerance: Bool { abs(measured - declared) <= tolerance }
}
