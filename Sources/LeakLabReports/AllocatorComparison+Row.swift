import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// One variant under one configuration, over its seeds: growth figures as a ``Spread``, the
/// others as the median over seeds (one seed: its value).
public struct ConfigurationRow: Codable, Equatable {
    public var configuration: String
    /// `{requested, active, library, …}` of the first seed; every seed is checked (see
    /// ``AllocatorComparison/allocatorMismatches``).
    public var allocator: AllocatorReport
    /// Whether `allocated` counts exactly (``AllocatorConfiguration/exactCounts``).
    public var exactCounts: Bool
    public var allocatorOptions: [String: String]?
    public var mallocConf: String?
    /// The first outcome other than `completed`, else `completed`.
    public var outcome: RunOutcome
    public var seeds: Int
    /// Heap growth per workload iteration as the allocator counts it, bytes; absent when it
    /// gives no count (mimalloc).
    public var allocatedPerIteration: Spread?
    /// Where `allocated` comes from; absent when not measured.
    public var allocatedSource: String?
    /// The median allocated growth against the declared truth (tolerance as declared); absent for
    /// bounded variants and allocators that count nothing.
    public var allocatedCheck: GrowthCheck?
    /// Workload iterations of the longer run that judged ``allocatedCheck`` instead of the
    /// seeds: a clean variant whose growth at N was above its tolerance runs once more at
    /// ``AllocatorComparison/longerRunFactor`` × N, and that run's growth is the authority, as in
    /// the audit (a one-off step, such as a new worker thread's caches filling, spreads over 4×
    /// the iterations; a leak's rate stays). Absent when the seeds were judged.
    public var longerRunIterations: Int?
    /// Bytes of a one-off step the truth declares (`oneOff`), paid during the workload, that
    /// explained the growth at N; ``allocatedCheck`` then judges what persists at 4N (``OneOffStep``).
    public var oneOffStep: Double?
    /// RSS growth per workload iteration (/proc), bytes.
    public var rssPerIteration: Spread?
    public var peakRSS: Int?
    public var baselineRSS: Int?
    public var endOfWorkloadRSS: Int?
    public var afterSettleRSS: Int?
    /// RSS after settle − RSS at the end of warm-up: what the process kept.
    public var settleAboveBaseline: Int?
    /// RSS at the end of the workload − RSS after settle: what was given back.
    public var givenBack: Int?
    public var givenBackFraction: Double?
    /// Milliseconds from the start of settle until RSS stopped falling (``RunFigures/giveBackMillis``),
    /// the median over the seeds that were timed; absent when the row's median gave back less than
    /// ``RunFigures/minimumGivenBackToTime``.
    public var giveBackMillis: Double?
    /// resident ÷ allocated (jemalloc) or RSS ÷ allocated (others) at the start and end of the
    /// workload and after settle; absent when not measured.
    public var fragmentation: Fragmentation?
    public var fdsPerIteration: Double?
    public var threadsPerIteration: Double?

    public struct Fragmentation: Codable, Equatable {
        /// `resident/allocated` or `rss/allocated`.
        public var basis: String
        public var workloadStart: Double?
        public var workloadEnd: Double?
        public var afterSettle: Double?
    }

    public init(configuration: AllocatorConfiguration, runs: [RunRecord], longer: RunRecord? = nil) {
        let figures = runs.map(RunFigures.init)
        let first = runs[0]
        self.configuration = configuration.name
        allocator = first.allocator
        exactCounts = configuration.exactCounts
        allocatorOptions = first.allocatorOptions
        mallocConf = first.mallocConf
        outcome = runs.first { $0.outcome != .completed }?.outcome ?? .completed
        seeds = runs.count
        allocatedPerIteration = Spread(figures.compactMap(\.growth.bytes))
        allocatedSource = allocatedPerIteration == nil ? nil : RunFigures.allocatedSource(first.allocator.active)
        if let median = allocatedPerIteration?.median {
            let counter = first.allocator.active ?? first.allocator.requested
            allocatedCheck = Growth(bytes: median).comparison(with: first.truth, countedBy: counter).first { $0.metric == "bytes" }
            if allocatedCheck?.withinTolerance == false, let longer, let rate = RunFigures(longer).growth.bytes {
                allocatedCheck = Growth(bytes: rate).comparison(with: longer.truth, countedBy: counter).first { $0.metric == "bytes" }
                longerRunIterations = longer.workloadIterations
                // A declared one-off paid during the workload: judge what persists (OneOffStep).
                if allocatedCheck?.withinTolerance == false,
                    OneOffStep.explains(
                        short: median, shortIterations: first.workloadIterations, long: rate, longIterations: longer.workloadIterations,
                        declared: first.truth.oneOff.bytes, tolerance: first.truth.tolerance.bytes),
                    let persistent = OneOffStep.persistentRate(
                        short: median, shortIterations: first.workloadIterations, long: rate, longIterations: longer.workloadIterations)
                {
                    allocatedCheck = Growth(bytes: persistent).comparison(with: longer.truth, countedBy: counter).first { $0.metric == "bytes" }
                    oneOffStep = median * Double(first.workloadIterations)
                }
            }
        }
        rssPerIteration = Spread(figures.compactMap(\.growth.rss))
        func median(_ values: [Int?]) -> Int? { RobustStatistics.median(values.compactMap { $0.map(Double.init) }).map { Int($0.rounded()) } }
        func median(_ values: [Double?]) -> Double? { RobustStatistics.median(values.compactMap { $0 }) }
        peakRSS = median(figures.map(\.peakRSS))
        baselineRSS = median(figures.map(\.baselineRSS))
        endOfWorkloadRSS = median(figures.map(\.endOfWorkloadRSS))
        afterSettleRSS = median(figures.map(\.afterSettleRSS))
        settleAboveBaseline = median(figures.map(\.settleAboveBaseline))
        givenBack = median(figures.map(\.givenBack))
        givenBackFraction = median(figures.map(\.givenBackFraction))
        // Timed only where the row itself gave back enough: a median of 0 B beside one seed's
        // time would read as a contradiction.
        giveBackMillis = (givenBack ?? 0) >= RunFigures.minimumGivenBackToTime ? median(figures.map(\.giveBackMillis)) : nil
        if let basis = figures.compactMap(\.fragmentationBasis).first {
            fragmentation = Fragmentation(
                basis: basis, workloadStart: median(figures.map(\.fragmentationAtStart)),
                workloadEnd: median(figures.map(\.fragmentationAtEnd)), afterSettle: median(figures.map(\.fragmentationAfterSettle)))
        }
        fdsPerIteration = median(figures.map(\.growth.fds))
        threadsPerIteration = median(figures.map(\.growth.threads))
    }
}

/// One run reduced to the figures a comparison row aggregates.
public struct RunFigures {
    public var growth: Growth
    /// The child's VmHWM where recorded, else the highest RSS sampled.
    public var peakRSS: Int?
    /// RSS at the end of warm-up (the last sample before the workload).
    public var baselineRSS: Int?
    public var endOfWorkloadRSS: Int?
    public var afterSettleRSS: Int?
    public var settleAboveBaseline: Int?
    public var givenBack: Int?
    /// `givenBack` ÷ the workload's RSS growth; absent when RSS grew by less than
    /// ``minimumGrowthToJudge``.
    public var givenBackFraction: Double?
    /// From the start of settle (the last workload sample) to the first settle sample whose RSS
    /// is within a tenth of the amount given back of the final settle RSS: how long the
    /// allocator took to give memory back, to the resolution of the settle samples.
    public var giveBackMillis: Double?
    public var fragmentationBasis: String?
    public var fragmentationAtStart: Double?
    public var fragmentationAtEnd: Double?
    public var fragmentationAfterSettle: Double?

    /// RSS moves by whole pages, and by ~100–200 KiB in settle alone (the runtime's timers, an
    /// allocator's purge): below this growth a share given back is noise, not release.
    public static let minimumGrowthToJudge = 256 * 1024
    /// Less than this given back is not timed: a page or two moves by itself.
    public static let minimumGivenBackToTime = 64 * 1024

    public init(_ record: RunRecord) {
        let trace = record.trace
        growth = record.growth ?? Growth.measure(trace)
        // VmHWM is read when the runner last looked; a later sample can be higher.
        peakRSS = [record.peakRSS, record.samples.compactMap(\.rss).max()].compactMap { $0 }.max()
        let workload = trace.samples(in: .workload)
        let settle = trace.samples(in: .settle).filter { $0.rss != nil }
        baselineRSS = trace.baseline?.rss
        let lastWorkload = workload.last { $0.rss != nil }
        endOfWorkloadRSS = lastWorkload?.rss
        afterSettleRSS = settle.last?.rss
        if let base = baselineRSS, let settled = afterSettleRSS { settleAboveBaseline = settled - base }
        if let end = endOfWorkloadRSS, let settled = afterSettleRSS {
            givenBack = end - settled
            if let base = baselineRSS, end - base >= Self.minimumGrowthToJudge {
                givenBackFraction = Double(end - settled) / Double(end - base)
            }
            if end - settled >= Self.minimumGivenBackToTime, let start = lastWorkload?.t {
                let near = settled + (end - settled) / 10
                if let stopped = settle.first(where: { $0.rss! <= near }) { giveBackMillis = max(0, (stopped.t - start) * 1000) }
            }
        }
        func ratio(_ sample: Sample?) -> (String, Double)? {
            guard let sample, let allocated = sample.allocated, allocated > 0 else { return nil }
            if let resident = sample.resident { return ("resident/allocated", Double(resident) / Double(allocated)) }
            if let rss = sample.rss { return ("rss/allocated", Double(rss) / Double(allocated)) }
            return nil
        }
        let start = ratio(workload.first), end = ratio(workload.last), after = ratio(settle.last)
        fragmentationBasis = end?.0 ?? start?.0
        fragmentationAtStart = start?.1
        fragmentationAtEnd = end?.1
        fragmentationAfterSettle = after?.1
    }

    /// The counter behind `allocated` under each allocator (``AllocatorTraits/allocatedSource``).
    public static func allocatedSource(_ allocator: AllocatorName?) -> String? {
        allocator?.traits.allocatedSource
    }
}
