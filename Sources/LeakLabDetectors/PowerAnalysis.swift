import LeakLabModel

/// `leaklab power`'s arithmetic: from verdicts on swept leaky runs and on the catalogue's
/// negatives to recall per cell, the minimum detectable leak, false-positive rates and latency.
///
/// Pure: the command runs the children and hands the observations over; everything reported is
/// computed here, so tests can check it on made-up observations.
public enum PowerAnalysis {
    /// Recall a rate needs (at it and every larger swept rate) to count as detectable.
    public static let detectableRecall = 0.95
    /// Leaks at least this many bytes per iteration are the "large" ones whose latency the goals quote.
    public static let largeLeakBytes = 256.0

    /// One swept cell of the leaky family.
    public struct Cell: Codable, Sendable, Hashable, Comparable {
        /// Served bytes leaked per workload iteration.
        public var bytesPerIteration: Double
        /// Workload iterations.
        public var iterations: Int
        /// Mean short-lived blocks per iteration (the drip's `churn`).
        public var noise: Int

        public init(bytesPerIteration: Double, iterations: Int, noise: Int) {
            self.bytesPerIteration = bytesPerIteration
            self.iterations = iterations
            self.noise = noise
        }

        public static func < (a: Cell, b: Cell) -> Bool {
            (a.noise, a.iterations, a.bytesPerIteration) < (b.noise, b.iterations, b.bytesPerIteration)
        }
    }

    /// One detector's verdict on one leaky run of a cell.
    public struct Observation: Sendable {
        public var detector: String
        public var cell: Cell
        /// `nil`: the detector failed on this run.
        public var leak: Bool?
        /// Workload iterations (after warm-up) until it first said leak.
        public var latency: Int?

        public init(detector: String, cell: Cell, leak: Bool?, latency: Int?) {
            self.detector = detector
            self.cell = cell
            self.leak = leak
            self.latency = latency
        }
    }

    /// One detector's verdict on one run of a negative (a clean or bounded variant).
    public struct NegativeObservation: Sendable {
        public var detector: String
        /// `scenario/variant`.
        public var variant: String
        public var leak: Bool?

        public init(detector: String, variant: String, leak: Bool?) {
            self.detector = detector
            self.variant = variant
            self.leak = leak
        }
    }

    /// Recall in one cell.
    public struct CellRecall: Codable, Sendable, Equatable {
        public var bytesPerIteration: Double
        public var iterations: Int
        public var noise: Int
        /// Runs the detector judged (failed runs are left out).
        public var runs: Int
        public var detected: Int
        /// detected ÷ runs; `nil` when no run was judged.
        public var recall: Double?
        /// Median workload iterations until the first "leak", over the detected runs.
        public var medianLatency: Double?
        /// Runs the detector failed on.
        public var failed: Int
    }

    /// The minimum detectable leak at one iteration count (and noise level).
    public struct MinimumDetectable: Codable, Sendable, Equatable {
        public var iterations: Int
        public var noise: Int
        /// The smallest swept rate whose recall, and every larger swept rate's, is at least
        /// ``detectableRecall``; `nil` when even the largest misses it.
        public var bytesPerIteration: Double?
    }

    /// Everything `power` reports for one detector.
    public struct DetectorPower: Codable, Sendable, Equatable {
        public var detector: String
        public var cells: [CellRecall]
        public var minimumDetectable: [MinimumDetectable]
        /// Negative runs judged, and those called leak.
        public var negativeRuns: Int
        public var falsePositives: Int
        /// falsePositives ÷ negativeRuns; `nil` when none was judged.
        public var falsePositiveRate: Double?
        /// The negatives it called leak at least once (`scenario/variant`).
        public var falseAlarms: [String]
        /// Negative runs it failed on.
        public var negativeFailures: Int
        /// Median latency over detected runs with leaks of at least ``largeLeakBytes`` per iteration.
        public var medianLatencyLarge: Double?
    }

    /// The report per detector, in the order `detectors` gives.
    public static func analyze(
        detectors: [String], observations: [Observation], negatives: [NegativeObservation]
    ) -> [DetectorPower] {
        detectors.map { name in
            let mine = observations.filter { $0.detector == name }
            let cells = Dictionary(grouping: mine, by: \.cell).map { cell, runs in
                cellRecall(cell, runs)
            }.sorted { ($0.noise, $0.iterations, $0.bytesPerIteration) < ($1.noise, $1.iterations, $1.bytesPerIteration) }
            let negativeRuns = negatives.filter { $0.detector == name }
            let judged = negativeRuns.filter { $0.leak != nil }
            let alarms = judged.filter { $0.leak == true }
            let large = mine.filter { $0.cell.bytesPerIteration >= largeLeakBytes && $0.leak == true }.compactMap(\.latency)
            return DetectorPower(
                detector: name, cells: cells, minimumDetectable: minimumDetectable(cells),
                negativeRuns: judged.count, falsePositives: alarms.count,
                falsePositiveRate: judged.isEmpty ? nil : Double(alarms.count) / Double(judged.count),
                falseAlarms: Array(Set(alarms.map(\.variant))).sorted(),
                negativeFailures: negativeRuns.count - judged.count,
                medianLatencyLarge: median(large.map(Double.init)))
        }
    }

    static func cellRecall(_ cell: Cell, _ runs: [Observation]) -> CellRecall {
        let judged = runs.filter { $0.leak != nil }
        let detected = judged.filter { $0.leak == true }
        return CellRecall(
            bytesPerIteration: cell.bytesPerIteration, iterations: cell.iterations, noise: cell.noise,
            runs: judged.count, detected: detected.count,
            recall: judged.isEmpty ? nil : Double(detected.count) / Double(judged.count),
            medianLatency: median(detected.compactMap(\.latency).map(Double.init)),
            failed: runs.count - judged.count)
    }

    /// Per (iterations, noise): the smallest rate from which on every swept rate is detected with
    /// recall ≥ ``detectableRecall``. A cell nobody judged breaks the run of detectable rates.
    static func minimumDetectable(_ cells: [CellRecall]) -> [MinimumDetectable] {
        let groups = Dictionary(grouping: cells) { "\($0.noise)/\($0.iterations)" }
        return groups.values.map { group in
            let sorted = group.sorted { $0.bytesPerIteration < $1.bytesPerIteration }
            var smallest: Double?
            for cell in sorted.reversed() {
                guard let recall = cell.recall, recall >= detectableRecall else { break }
                smallest = cell.bytesPerIteration
            }
            return MinimumDetectable(iterations: sorted[0].iterations, noise: sorted[0].noise, bytesPerIteration: smallest)
        }.sorted { ($0.noise, $0.iterations) < ($1.noise, $1.iterations) }
    }

    /// The median of `values`, `nil` when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
