import LeakLabKit
import LeakLabModel

/// A finished run made up for tests that score, gate, shard or render runs: a truth, samples and
/// verdicts, and the fields every such run shares (2,000 workload iterations after 100 of
/// warm-up, a sample every 10, jemalloc verified, 1 s).
public func makeRun(
    scenario: String = "cache", variant: String, pattern: String = "unbounded-cache",
    truth: GroundTruth, allocator: AllocatorName = .jemalloc, seed: Int? = nil,
    samples: [Sample] = [], verdicts: [DetectorVerdict] = []
) -> RunRecord {
    RunRecord(
        scenario: scenario, variant: variant, pattern: pattern,
        role: truth.verdict == .leak ? .leaky : truth.verdict == .bounded ? .decoy : .fixed,
        plugin: "test", allocator: AllocatorReport(requested: allocator, active: allocator),
        parameters: seed.map { ["seed": "\($0)"] } ?? [:], warmUpIterations: 100, workloadIterations: 2_000,
        sampleEvery: 10, truth: truth, outcome: .completed, budgets: .default, wallSeconds: 1,
        unavailableMetrics: [], samples: samples, verdicts: verdicts)
}

/// A detector's verdict with the fields scoring reads.
public func verdict(_ detector: String, _ leak: Bool?, rate: Double? = nil, first: Int? = nil) -> DetectorVerdict {
    DetectorVerdict(detector: detector, leak: leak, ratePerIteration: rate, firstIteration: first)
}

/// A reachable leak of 1,000 B per iteration.
public let leakTruth = GroundTruth.leak(reachable: true, bytes: 1_000)
public let cleanTruth = GroundTruth.clean()
public let boundedTruth = GroundTruth.bounded()
