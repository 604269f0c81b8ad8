/// The cells `leaklab power` runs: leak rates × workload iterations × noise levels of the
/// `drip` scenario's leaky variant, each `repeats` times with seeds 42, 43, ….
public struct PowerSweep: Sendable, Equatable {
    /// Served bytes leaked per workload iteration, ascending. Rates of 8 B and up are kept as
    /// one block of that size per iteration (round them to a jemalloc size class: 8, 16, 32, 48,
    /// 64, 80, 96, 112, 128, 160, …, or the run leaks the class); rates under 8 B keep one 8 B
    /// block every 8 ÷ rate iterations.
    public var rates: [Double]
    /// Workload iterations per run.
    public var iterations: [Int]
    /// The drip's `churn`: mean short-lived blocks per iteration.
    public var noise: [Int]
    /// Seeds per cell.
    public var repeats: Int

    /// The default sweep: small enough for about a minute on two cores.
    public static let standard = PowerSweep(rates: [2, 4, 8, 16, 32, 64, 256, 1024], iterations: [500, 2_000], noise: [4], repeats: 3)

    public init(rates: [Double], iterations: [Int], noise: [Int], repeats: Int) {
        self.rates = rates.sorted()
        self.iterations = iterations
        self.noise = noise
        self.repeats = repeats
    }

    /// One run of the sweep: its cell, seed and the drip parameters that make it.
    public struct Point: Sendable, Equatable {
        public var cell: PowerAnalysis.Cell
        public var seed: Int
        public var parameters: [String: String]
    }

    /// Every run, cell by cell (noise, iterations, rate), seeds innermost.
    public var points: [Point] {
        var points: [Point] = []
        for noise in noise {
            for iterations in iterations {
                for rate in rates {
                    let (objectBytes, every) = Self.dripShape(bytesPerIteration: rate)
                    let cell = PowerAnalysis.Cell(bytesPerIteration: rate, iterations: iterations, noise: noise)
                    for index in 0..<repeats {
                        points.append(
                            Point(
                                cell: cell, seed: 42 + index,
                                parameters: [
                                    "object-bytes": String(objectBytes), "every": String(every),
                                    "objects-per-iteration": "1", "churn": String(noise), "seed": String(42 + index),
                                ]))
                    }
                }
            }
        }
        return points
    }

    /// The drip's `object-bytes` and `every` for a rate: one block of `rate` bytes each iteration
    /// from 8 B up, else one 8 B block every `8 ÷ rate` iterations.
    public static func dripShape(bytesPerIteration rate: Double) -> (objectBytes: Int, every: Int) {
        if rate >= 8 { return (Int(rate.rounded()), 1) }
        return (8, max(1, Int((8 / max(rate, 1e-9)).rounded())))
    }
}
