import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `compare-allocators`: the same variants under several allocators, side by side. Pure
/// arithmetic over finished runs; `compare-allocators --json` writes it (schema `leaklab.compare/1`).
///
/// A figure an allocator cannot give is absent (`nil`), never 0: mimalloc counts no bytes, so its
/// allocated growth and fragmentation are "not measured".
struct AllocatorComparison: Codable, Equatable {
    static let currentSchema = "leaklab.compare/1"

    var schema = AllocatorComparison.currentSchema
    var allocators: [AllocatorName]
    /// `--allocator-option` values as given; each run records the ones that applied to it.
    var allocatorOptions: [String: String]
    var variants: [VariantComparison]
    /// Runs where the allocator that served malloc was not the one asked for: the command fails.
    var allocatorMismatches: [String]
    /// Runs that could not start.
    var errors: [String]
    /// Every run in full (samples, verdicts), in matrix order.
    var runs: [RunRecord]

    init(allocators: [AllocatorName], allocatorOptions: [String: String], runs: [RunRecord], errors: [String] = []) {
        self.allocators = allocators
        self.allocatorOptions = allocatorOptions
        self.runs = runs
        self.errors = errors
        allocatorMismatches = runs.filter { $0.allocator.active != $0.allocator.requested }.map { run in
            "\(run.key): requested \(run.allocator.requested), but malloc was served by \(run.allocator.active?.rawValue ?? "an unidentified library") (\(run.allocator.library ?? "?"))"
        }
        var order: [String] = []
        var grouped: [String: [RunRecord]] = [:]
        for run in runs {
            if grouped[run.key] == nil { order.append(run.key) }
            grouped[run.key, default: []].append(run)
        }
        variants = order.map { VariantComparison(runs: grouped[$0]!) }
    }

    /// The median share of RSS growth given back after settle, per allocator, over the variants
    /// whose RSS grew enough to judge (see ``AllocatorRun/givenBackFraction``).
    var medianGivenBack: [AllocatorName: Double] {
        var result: [AllocatorName: Double] = [:]
        for allocator in allocators {
            let fractions = variants.flatMap { $0.runs }.filter { $0.allocator.requested == allocator }.compactMap(\.givenBackFraction)
            result[allocator] = RobustStatistics.median(fractions)
        }
        return result
    }
}

/// One variant under each allocator.
struct VariantComparison: Codable, Equatable {
    var scenario: String
    var variant: String
    var pattern: String
    var role: Variant.Role
    var truth: GroundTruth
    var runs: [AllocatorRun]
    /// fds or threads growth that differs between allocators. It should not: the allocator does
    /// not open files or start threads for the workload. A difference is a finding to look at.
    var resourceDifferences: [String]
    /// Every detector's verdict under each allocator.
    var detectors: [DetectorAcrossAllocators]

    /// fds and threads per iteration may differ by this much between allocators (sampling noise).
    static let resourceTolerance = 0.1

    init(runs records: [RunRecord]) {
        let first = records[0]
        scenario = first.scenario
        variant = first.variant
        pattern = first.pattern
        role = first.role
        truth = first.truth
        runs = records.map(AllocatorRun.init)
        resourceDifferences = []
        for (name, value) in [("fds", \AllocatorRun.fdsPerIteration), ("threads", \AllocatorRun.threadsPerIteration)] {
            let measured = runs.compactMap { run in run[keyPath: value].map { (run.allocator.requested, $0) } }
            guard let low = measured.map(\.1).min(), let high = measured.map(\.1).max(),
                  high - low > Self.resourceTolerance else { continue }
            let each = measured.map { "\($0.0) \(Format.rate($0.1))" }.joined(separator: ", ")
            resourceDifferences.append("\(name) per iteration differs between allocators: \(each)")
        }
        let names = records.flatMap { $0.verdicts.map(\.detector) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let truth = self.truth
        detectors = names.map { name in
            let cells = records.map { record in
                let verdict = record.verdicts.first { $0.detector == name }
                return DetectorAcrossAllocators.Cell(
                    allocator: record.allocator.requested, leak: verdict?.leak,
                    outcome: verdict.map { VerdictOutcome(verdict: $0, truth: truth) } ?? .failed,
                    ratePerIteration: verdict?.ratePerIteration)
            }
            return DetectorAcrossAllocators(detector: name, cells: cells)
        }
    }

    var key: String { "\(scenario)/\(variant)" }
}

/// One detector's verdict on one variant, under each allocator.
struct DetectorAcrossAllocators: Codable, Equatable {
    struct Cell: Codable, Equatable {
        var allocator: AllocatorName
        /// `nil` when the detector could not judge (a metric it needs is absent).
        var leak: Bool?
        var outcome: VerdictOutcome
        var ratePerIteration: Double?
    }

    var detector: String
    var cells: [Cell]

    /// Whether the verdict (leak or not) differs between allocators that gave one.
    var changesWithAllocator: Bool { Set(cells.compactMap(\.leak)).count > 1 }
}

/// One variant's run under one allocator, reduced to the figures the comparison shows.
struct AllocatorRun: Codable, Equatable {
    /// `{requested, active, library, …}`: a run counts only when active equals requested.
    var allocator: AllocatorReport
    var allocatorOptions: [String: String]?
    var mallocConf: String?
    var outcome: RunOutcome
    /// Growth of the heap as the allocator counts it (slope of `allocated`), bytes per
    /// iteration; absent when the allocator gives no count (mimalloc).
    var allocatedPerIteration: Double?
    /// Where `allocated` comes from under this allocator; absent when not measured.
    var allocatedSource: String?
    /// Growth of RSS (/proc), bytes per iteration.
    var rssPerIteration: Double?
    /// The highest RSS of the run: the child's VmHWM where recorded, else the highest sample.
    var peakRSS: Int?
    var baselineRSS: Int?
    var endOfWorkloadRSS: Int?
    var afterSettleRSS: Int?
    /// RSS after settle − RSS at the end of warm-up: what the process kept.
    var settleAboveBaseline: Int?
    /// RSS at the end of the workload − RSS after settle: what was given back.
    var givenBack: Int?
    /// `givenBack` ÷ the workload's RSS growth; absent when RSS grew by less than
    /// ``minimumGrowthToJudge`` (a few pages: no growth to give back).
    var givenBackFraction: Double?
    /// At the end of the workload: jemalloc `resident ÷ allocated`, others `rss ÷ allocated`.
    var fragmentation: Double?
    /// `resident/allocated` or `rss/allocated`; absent when not measured.
    var fragmentationBasis: String?
    var fdsPerIteration: Double?
    var threadsPerIteration: Double?
    var verdicts: [DetectorVerdict]

    /// RSS moves by whole pages, and by ~100–200 KiB in settle alone (the runtime's timers, an
    /// allocator's purge): below this growth a share given back is noise, not release.
    static let minimumGrowthToJudge = 256 * 1024

    init(_ record: RunRecord) {
        allocator = record.allocator
        allocatorOptions = record.allocatorOptions
        mallocConf = record.mallocConf
        outcome = record.outcome
        verdicts = record.verdicts
        let trace = record.trace
        let growth = record.growth ?? Growth.measure(trace)
        allocatedPerIteration = growth.bytes
        allocatedSource = growth.bytes == nil ? nil : Self.allocatedSource(record.allocator.active)
        rssPerIteration = growth.rss
        fdsPerIteration = growth.fds
        threadsPerIteration = growth.threads
        peakRSS = record.peakRSS ?? record.samples.compactMap(\.rss).max()

        let workload = trace.samples(in: .workload)
        baselineRSS = trace.samples.last { $0.phase < .workload && $0.rss != nil }?.rss
        endOfWorkloadRSS = workload.last { $0.rss != nil }?.rss
        afterSettleRSS = trace.samples(in: .settle).last { $0.rss != nil }?.rss
        if let base = baselineRSS, let settled = afterSettleRSS { settleAboveBaseline = settled - base }
        if let end = endOfWorkloadRSS, let settled = afterSettleRSS {
            givenBack = end - settled
            if let base = baselineRSS, end - base >= Self.minimumGrowthToJudge {
                givenBackFraction = Double(end - settled) / Double(end - base)
            }
        }
        if let last = workload.last, let allocated = last.allocated, allocated > 0 {
            if let resident = last.resident {
                fragmentation = Double(resident) / Double(allocated)
                fragmentationBasis = "resident/allocated"
            } else if let rss = last.rss {
                fragmentation = Double(rss) / Double(allocated)
                fragmentationBasis = "rss/allocated"
            }
        }
    }

    /// The counter behind `allocated` under each allocator.
    static func allocatedSource(_ allocator: AllocatorName?) -> String? {
        switch allocator {
        case .jemalloc: "jemalloc mallctl stats.allocated"
        case .glibc: "glibc mallinfo2 uordblks+hblkhd"
        case .tcmalloc: "tcmalloc generic.current_allocated_bytes"
        case .mimalloc, nil: nil
        }
    }
}
