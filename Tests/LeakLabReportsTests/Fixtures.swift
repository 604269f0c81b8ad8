import Foundation
import LeakLabKit
import LeakLabModel
import LeakLabReports

let mib = 1 << 20

/// An audit of two variants: a leak whose check passed, a clean one whose check failed (80 B
/// per iteration against 0 ± 10).
var twoAuditRows: [AuditRow] {
    [
        AuditRow(
            variant: "cache/leaky", role: "leaky", verdict: "leak",
            checks: [TruthAudit.Check(name: "bytes/iteration", measured: "1000", declared: "1000 ±50", passed: true)]),
        AuditRow(
            variant: "cache/fixed", role: "fixed", verdict: "clean",
            checks: [TruthAudit.Check(name: "bytes/iteration", measured: "80", declared: "0 ±10", passed: false)]),
    ]
}

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
