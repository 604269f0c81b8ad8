import Foundation
import LeakLabKit
import LeakLabModel

/// A finished run with a truth, samples and verdicts, made up for report tests.
func makeRun(
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

func verdict(_ detector: String, _ leak: Bool?, rate: Double? = nil, first: Int? = nil) -> DetectorVerdict {
    DetectorVerdict(detector: detector, leak: leak, ratePerIteration: rate, firstIteration: first)
}

let leakTruth = GroundTruth.leak(reachable: true, bytes: 1_000)
let cleanTruth = GroundTruth.clean()
let boundedTruth = GroundTruth.bounded()

let mib = 1 << 20

/// Samples of a run whose RSS goes from `baseline` (end of warm-up) to `end` (end of workload) and
/// settles at `settled`; allocated and resident follow the given ratios.
func rssSamples(baseline: Int, end: Int, settled: Int, allocated: Int? = nil, resident: Int? = nil) -> [Sample] {
    [
        Sample(t: 0.0, phase: .warmUp, iteration: 100, allocated: allocated, resident: resident, rss: baseline),
        Sample(t: 0.1, phase: .workload, iteration: 101, allocated: allocated, resident: resident, rss: baseline),
        Sample(t: 0.5, phase: .workload, iteration: 2_100, allocated: allocated, resident: resident, rss: end),
        Sample(t: 0.6, phase: .settle, iteration: 2_100, allocated: allocated, resident: resident, rss: settled + (end - settled) / 2),
        Sample(t: 0.8, phase: .settle, iteration: 2_100, allocated: allocated, resident: resident, rss: settled),
    ]
}

/// A file under the temporary directory that is removed when the test ends.
struct TemporaryFile: ~Copyable {
    let path: String

    init(_ name: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("leaklab-reports-\(UUID().uuidString)-\(name)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
