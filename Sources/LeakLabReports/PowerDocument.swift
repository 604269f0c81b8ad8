import LeakLabDetectors

/// What `power --json` writes.
public struct PowerDocument: Codable {
    public static let currentSchema = "leaklab.power/1"

    public var schema = PowerDocument.currentSchema
    public var sweep: Sweep
    public var detectors: [PowerAnalysis.DetectorPower]
    public var errors: [String]

    public init(sweep: Sweep, detectors: [PowerAnalysis.DetectorPower], errors: [String]) {
        self.sweep = sweep
        self.detectors = detectors
        self.errors = errors
    }

    public struct Sweep: Codable {
        /// Served bytes per iteration.
        public var rates: [Double]
        public var iterations: [Int]
        public var noise: [Int]
        public var repeats: Int
        public var negativeRepeats: Int
        /// `scenario/variant` of every negative run.
        public var negatives: [String]

        public init(rates: [Double], iterations: [Int], noise: [Int], repeats: Int, negativeRepeats: Int, negatives: [String]) {
            self.rates = rates
            self.iterations = iterations
            self.noise = noise
            self.repeats = repeats
            self.negativeRepeats = negativeRepeats
            self.negatives = negatives
        }
    }
}
