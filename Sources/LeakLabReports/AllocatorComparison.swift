import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// `compare-allocators`: the same variants under several allocator configurations, side by side.
/// Pure arithmetic over finished runs; `compare-allocators --json` writes it (schema
/// `leaklab.compare/2`).
///
/// Shape: `{schema, configurations: [AllocatorConfiguration], allocators, variants:
/// [{scenario, variant, pattern, role, truth, rows: [ConfigurationRow], detectors:
/// [{detector, cells, changesWithConfiguration}], resourceDifferences}], notes,
/// allocatorMismatches, errors, runs: [RunRecord]}`. Each run names its configuration
/// (`RunRecord.configuration`).
///
/// A figure an allocator cannot give is absent (`nil`), never 0: mimalloc counts no bytes, so its
/// allocated growth and fragmentation are "not measured" (its ``AllocatorTraits/comparisonNote``).
public struct AllocatorComparison: Codable, Equatable {
    /// v2: rows are configurations (not allocators), figures carry their spread over seeds, and
    /// give-back time and fragmentation over time are new.
    public static let currentSchema = "leaklab.compare/2"

    public var schema = AllocatorComparison.currentSchema
    public var configurations: [AllocatorConfiguration]
    /// The allocators the configurations use, in order.
    public var allocators: [AllocatorName]
    public var variants: [VariantComparison]
    /// What a reader must know to read the figures (mimalloc's statistics, approximate counts).
    public var notes: [String]
    /// Runs where the allocator that served malloc was not the one asked for: the command fails.
    public var allocatorMismatches: [String]
    /// Runs that could not start.
    public var errors: [String]
    /// Every run in full (samples, verdicts), in matrix order.
    public var runs: [RunRecord]
    /// Runs of ``longerRunFactor`` × N iterations, made for the exact rows of clean variants
    /// whose growth at N was above their tolerance (``ConfigurationRow/longerRunIterations``).
    public var confirmations: [RunRecord]?

    /// How much longer the run that confirms a clean row's growth is: the audit's factor.
    public static let longerRunFactor = TruthAudit.longerRunFactor

    /// Why mimalloc has no allocated or fragmentation figure: checked against Debian's
    /// libmimalloc2.0 (2.0.9) by calling its exports through dlsym in a preloaded child.
    public init(configurations: [AllocatorConfiguration], runs: [RunRecord], errors: [String] = [], confirmations: [RunRecord] = []) {
        self.configurations = configurations
        self.confirmations = confirmations.isEmpty ? nil : confirmations
        allocators = configurations.map(\.allocator).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        self.runs = runs
        self.errors = errors
        allocatorMismatches = runs.filter { $0.allocator.active != $0.allocator.requested }.map { run in
            "\(run.key) [\(run.configuration ?? run.allocator.requested.rawValue)]: requested \(run.allocator.requested), but malloc was served by \(run.allocator.active?.rawValue ?? "an unidentified library") (\(run.allocator.library ?? "?"))"
        }
        var order: [String] = []
        var grouped: [String: [RunRecord]] = [:]
        for run in runs {
            if grouped[run.key] == nil { order.append(run.key) }
            grouped[run.key, default: []].append(run)
        }
        variants = order.map { key in
            VariantComparison(runs: grouped[key]!, configurations: configurations, longer: confirmations.filter { $0.key == key })
        }
        // Each allocator says why a row of it is approximate, and what its figures leave out.
        var notes = configurations.filter { !$0.exactCounts }.map { $0.allocator.traits.approximateCountsNote($0.name) }
        notes += allocators.compactMap(\.traits.comparisonNote)
        self.notes = notes
    }

    /// The median share of RSS growth given back after settle, per configuration, over the
    /// variants whose RSS grew enough to judge (see ``RunFigures/givenBackFraction``).
    public var medianGivenBack: [String: Double] {
        var result: [String: Double] = [:]
        for configuration in configurations {
            let fractions = variants.flatMap(\.rows).filter { $0.configuration == configuration.name }.compactMap(\.givenBackFraction)
            result[configuration.name] = RobustStatistics.median(fractions)
        }
        return result
    }
}

/// One variant under each configuration.
public struct VariantComparison: Codable, Equatable {
    public var scenario: String
    public var variant: String
    public var pattern: String
    public var role: Variant.Role
    public var truth: GroundTruth
    public var rows: [ConfigurationRow]
    /// fds or threads growth that differs between configurations. It should not: the allocator
    /// does not open files or start threads for the workload. A difference is a finding to look at.
    public var resourceDifferences: [String]
    /// Every detector's verdict under each configuration.
    public var detectors: [DetectorAcrossConfigurations]

    /// fds and threads per iteration may differ by this much between allocators (sampling noise).
    public static let resourceTolerance = 0.1

    /// - Parameter longer: runs at ``AllocatorComparison/longerRunFactor`` × N of this variant,
    ///   at most one per configuration.
    public init(runs records: [RunRecord], configurations: [AllocatorConfiguration], longer: [RunRecord] = []) {
        let first = records[0]
        scenario = first.scenario
        variant = first.variant
        pattern = first.pattern
        role = first.role
        truth = first.truth
        let byName = HTMLReport.groups(records) { $0.configuration ?? $0.allocator.requested.rawValue }
        rows = byName.map { runs in
            let name = runs[0].configuration ?? runs[0].allocator.requested.rawValue
            let configuration = configurations.first { $0.name == name } ?? AllocatorConfiguration(name: name, allocator: runs[0].allocator.requested)
            return ConfigurationRow(configuration: configuration, runs: runs, longer: longer.first { $0.configuration == name })
        }
        resourceDifferences = []
        for (name, value) in [("fds", \ConfigurationRow.fdsPerIteration), ("threads", \ConfigurationRow.threadsPerIteration)] {
            let measured = rows.compactMap { row in row[keyPath: value].map { (row.configuration, $0) } }
            guard let low = measured.map(\.1).min(), let high = measured.map(\.1).max(),
                high - low > Self.resourceTolerance
            else { continue }
            let each = measured.map { "\($0.0) \(Format.rate($0.1))" }.joined(separator: ", ")
            resourceDifferences.append("\(name) per iteration differs between configurations: \(each)")
        }
        let names = records.flatMap { $0.verdicts.map(\.detector) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        detectors = names.map { name in
            DetectorAcrossConfigurations(detector: name, cells: byName.map { runs in .init(detector: name, runs: runs) })
        }
    }

    public var key: String { "\(scenario)/\(variant)" }
}

/// One detector's verdict on one variant, under each configuration.
public struct DetectorAcrossConfigurations: Codable, Equatable {
    public struct Cell: Codable, Equatable {
        public var configuration: String
        /// The majority verdict over the configuration's seeds; `nil` when the detector could not
        /// judge any (a metric it needs is absent) or the seeds split evenly.
        public var leak: Bool?
        /// Seeds judged a leak, of `judged` seeds judged at all.
        public var leakVotes: Int
        public var judged: Int
        public var outcome: VerdictOutcome
        public var ratePerIteration: Double?

        public init(detector: String, runs: [RunRecord]) {
            configuration = runs[0].configuration ?? runs[0].allocator.requested.rawValue
            let verdicts = runs.compactMap { run in run.verdicts.first { $0.detector == detector }.map { (run, $0) } }
            let judgedVerdicts = verdicts.filter { $0.1.leak != nil }
            judged = judgedVerdicts.count
            leakVotes = judgedVerdicts.filter { $0.1.leak == true }.count
            let majority: Bool? = judged == 0 || leakVotes * 2 == judged ? nil : leakVotes * 2 > judged
            leak = majority
            let representative = judgedVerdicts.first { $0.1.leak == majority } ?? verdicts.first
            outcome = representative.map { VerdictOutcome(verdict: $0.1, run: $0.0) } ?? .failed
            ratePerIteration = representative?.1.ratePerIteration
        }
    }

    public var detector: String
    public var cells: [Cell]
    /// Whether the verdict (leak or not) differs between configurations that gave one.
    public var changesWithConfiguration: Bool

    public init(detector: String, cells: [Cell]) {
        self.detector = detector
        self.cells = cells
        changesWithConfiguration = Set(cells.compactMap(\.leak)).count > 1
    }
}

/// A figure over a configuration's seeds: the median and the range.
public struct Spread: Codable, Equatable {
    public var median: Double
    public var low: Double
    public var high: Double
    /// One value per seed, in seed order.
    public var values: [Double]

    public init?(_ values: [Double]) {
        guard let median = RobustStatistics.median(values), let low = values.min(), let high = values.max() else { return nil }
        self.median = median
        self.low = low
        self.high = high
        self.values = values
    }
}
