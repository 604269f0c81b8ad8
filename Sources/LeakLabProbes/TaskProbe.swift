import Glibc
import LeakLabModel

/// The `tasks` metric: live Swift tasks, counted by ``TaskScanner`` at every sample.
///
/// Made only when the scanner knows the runtime's layout and the canary (``TaskCensusCanary``)
/// finds exactly the tasks it parks; otherwise `tasks` is unavailable (absent, never 0).
///
/// A scan reads every resident anonymous page, so its cost grows with the heap (~0.2 ms for a
/// small process, ~2.5 ms per 100 MiB). To keep sampling cheap on a large heap, samples between
/// phase boundaries skip the count when the last scan took longer than ``budgetMicros``: one in
/// `last scan ÷ budget` carries `tasks`, so the scan costs at most about the budget per sample
/// on average. Samples the sampler marks ``mustCount`` (set-up, the last of warm-up and of the
/// workload, settle, tear-down) always carry it.
public final class TaskProbe: Probe {
    public let name = "tasks"
    public let metrics: Set<Metric> = [.tasks]
    public let scanner: TaskScanner
    /// Set before each sample: whether this one must carry `tasks` (a phase boundary).
    public var mustCount = true
    /// Average scan time per sample to stay within, microseconds.
    public var budgetMicros = 1_000.0
    /// Wall time of the last scan, microseconds.
    public private(set) var lastScanMicros = 0.0
    private var skipped = 0

    public init() throws(ProbeError) {
        scanner = try TaskScanner()
        try TaskCensusCanary.check(scanner)
    }

    public func read(into sample: inout Sample) throws(ProbeError) {
        let stride = max(1, Int(lastScanMicros / budgetMicros))
        guard mustCount || skipped + 1 >= stride else {
            skipped += 1
            return
        }
        let start = Self.micros()
        guard let count = scanner.count() else {
            throw ProbeError(probe: name, metric: "tasks", reason: "cannot read /proc/self/maps")
        }
        lastScanMicros = Self.micros() - start
        skipped = 0
        sample.tasks = count
    }

    private static func micros() -> Double {
        MonotonicClock.now() * 1e6
    }
}
