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
    /// The workload iteration the figures are measured from: the declared onset of a leak that
    /// starts late (``GroundTruth/leakOnset(inWorkloadOf:)``), so its rate is read where it
    /// leaks, as `audit` reads it. Absent when the figures cover the whole workload.
    public var fromIteration: Int?

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
    ///
    /// - Parameter onset: the workload iteration to measure from (a leak's declared onset); 0
    ///   for the whole workload. From a later iteration the window is the samples after it and
    ///   the last one at or before it (``LeakMeasurement``'s window, as the audit uses).
    public static func measure(_ trace: Trace, from onset: Int = 0) -> Growth {
        var window = trace.samples(in: .workload)
        if onset > 0 {
            window = LeakMeasurement.window(trace, from: onset, to: nil)
        } else if let baseline = trace.baseline {
            window.insert(baseline, at: 0)
        }
        func slope(_ metric: Metric) -> Double? {
            let points = window.compactMap { sample in sample[metric].map { (Double(sample.iteration), Double($0)) } }
            return Statistics.robustSlope(points)
        }
        var growth = Growth(
            bytes: slope(.allocated), objects: slope(.liveObjects), fds: slope(.fds),
            threads: slope(.threads), rss: slope(.rss), tasks: slope(.tasks))
        growth.nonHeapBytes = LeakMeasurement.slope(.nonHeapBytes, in: trace, from: onset)
        growth.fromIteration = onset > 0 ? onset : nil
        return growth
    }

    /// Measures growth as `run` should be judged against `truth`: from the leak's onset when it
    /// starts within the run (leaving samples enough for a slope), else over the whole workload.
    public static func measure(_ trace: Trace, judgedAgainst truth: GroundTruth, workloadIterations: Int) -> Growth {
        let onset = truth.leakOnset(inWorkloadOf: workloadIterations)
        return measure(trace, from: onset < workloadIterations - 2 ? onset : 0)
    }

    /// Each measured figure against the declared truth, with whether it is within tolerance.
    /// Bounded variants grow during the workload by design; they are judged by
    /// ``BoundedShape`` instead, so nothing is compared here. Tolerances are the declared ones.
    /// The figures are over the whole workload: a leak with an onset is judged after it by
    /// ``TruthAudit``.
    ///
    /// - A clean variant's figures are judged on one side, as the audit judges them: it may give
    ///   back during the workload what its warm-up built, so only growth above the tolerance fails.
    /// - `allocator` is the allocator that counted `bytes`. Truths are declared as jemalloc counts
    ///   (its size classes); another allocator's count of the same leak is widened by
    ///   ``SizeClassRounding``, so its rounding is not read as a miscount.
    /// - A leak whose declared onset is at or after the end of the run (`workloadIterations`,
    ///   when given) leaks nothing in it: every figure is judged against 0.
    public func comparison(
        with truth: GroundTruth, countedBy allocator: AllocatorName = .jemalloc, workloadIterations: Int? = nil
    ) -> [GrowthCheck] {
        var checks: [GrowthCheck] = []
        if truth.verdict == .bounded {
            return checks
        }
        var truth = truth
        if let workloadIterations, truth.verdict == .leak, truth.leakOnset(inWorkloadOf: workloadIterations) >= workloadIterations - 2 {
            truth.perIteration = .zero
        }
        let clean = truth.verdict == .clean
        func add(_ name: String, _ measured: Double?, _ declared: Double, _ tolerance: Double, rounding: (below: Double, above: Double) = (0, 0)) {
            guard let measured else { return }
            var check = GrowthCheck(metric: name, measured: measured, declared: declared, tolerance: tolerance)
            check.upperBound = declared + tolerance + rounding.above
            check.lowerBound = clean ? nil : declared - tolerance - rounding.below
            checks.append(check)
        }
        let rounding =
            clean
            ? (0, 0)
            : SizeClassRounding.band(
                bytes: truth.perIteration.bytes, objects: truth.perIteration.objects, countedBy: allocator)
        add("bytes", bytes, truth.perIteration.bytes, truth.tolerance.bytes, rounding: rounding)
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
///
/// The range it must fall in is `lowerBound...upperBound`: `declared ± tolerance`, widened by
/// another allocator's size-class rounding, and open below for a clean variant (no `lowerBound`).
/// Records written before the bounds existed have neither, and mean `declared ± tolerance`.
public struct GrowthCheck: Codable, Sendable, Equatable {
    public var metric: String
    public var measured: Double
    public var declared: Double
    public var tolerance: Double
    /// The lowest figure that passes; absent (with an `upperBound`) when any lower one does.
    public var lowerBound: Double?
    /// The highest figure that passes.
    public var upperBound: Double?

    public init(metric: String, measured: Double, declared: Double, tolerance: Double) {
        self.metric = metric
        self.measured = measured
        self.declared = declared
        self.tolerance = tolerance
    }

    public var withinTolerance: Bool {
        guard let upperBound else { return abs(measured - declared) <= tolerance + 1e-9 }
        return measured <= upperBound + 1e-9 && (lowerBound.map { measured >= $0 - 1e-9 } ?? true)
    }
}
