import LeakLabKit
import LeakLabModel

/// A run record with a truth and verdicts, for scoring, baseline and shard tests.
func makeRun(
    scenario: String = "cache", variant: String, pattern: String = "unbounded-cache",
    truth: GroundTruth, allocator: AllocatorName = .jemalloc, seed: Int? = nil,
    verdicts: [DetectorVerdict]
) -> RunRecord {
    RunRecord(
        scenario: scenario, variant: variant, pattern: pattern,
        role: truth.verdict == .leak ? .leaky : truth.verdict == .bounded ? .decoy : .fixed,
        plugin: "test", allocator: AllocatorReport(requested: allocator, active: allocator),
        parameters: seed.map { ["seed": "\($0)"] } ?? [:], warmUpIterations: 100, workloadIterations: 2_000,
        sampleEvery: 10, truth: truth, outcome: .completed, budgets: .default, wallSeconds: 1,
        unavailableMetrics: [], samples: [], verdicts: verdicts)
}

func verdict(_ detector: String, _ leak: Bool?, rate: Double? = nil, first: Int? = nil) -> DetectorVerdict {
    DetectorVerdict(detector: detector, leak: leak, ratePerIteration: rate, firstIteration: first)
}

let leakTruth = GroundTruth.leak(reachable: true, bytes: 1_000)
let cleanTruth = GroundTruth.clean()
let boundedTruth = GroundTruth.bounded()
