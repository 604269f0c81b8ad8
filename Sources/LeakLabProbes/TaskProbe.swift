import Glibc
import LeakLabModel

/// The `tasks` metric: live Swift tasks, counted by ``TaskScanner`` at every sample.
///
/// Made only when the scanner knows the runtime's layout and the canary (``TaskCensusCanary``)
/// finds exactly the tasks it parks; otherwise `tasks` is unavailable (absent, never 0).
///
/// A scan reads every resident anonymous page, so its cost grows with the heap (~0.3 ms for a
/// small process, ~2.5 ms per 100 MiB): far more than the rest of a sample (a few µs). So a
/// sample the sampler does not mark ``mustCount`` counts tasks only when the time since the last
/// scan is at least that scan's cost ÷ ``budgetShare``: scanning then takes at most that share of
/// the run's time whatever the heap's size (at 5 %, a 0.3 ms scan at most once in 6 ms). Samples
/// marked ``mustCount`` (set-up, the last of warm-up, a few checkpoints in and the last of the
/// workload, the last of settle, tear-down) always carry it. A sample without `tasks` leaves it
/// absent.
public final class TaskProbe: Probe {
    public let name = "tasks"
    public let metrics: Set<Metric> = [.tasks]
    public let scanner: TaskScanner
    /// Set before each sample: whether this one must carry `tasks` (a phase boundary).
    public var mustCount = true
    /// The share of the time between scans that scanning may take when no sample needs a count.
    public var budgetShare = 0.05
    /// Wall time of the last scan, microseconds.
    public private(set) var lastScanMicros = 0.0
    /// When the last scan ended, microseconds on the monotonic clock.
    private var lastScanEnd = -Double.infinity

    public init() throws(ProbeError) {
        scanner = try TaskScanner()
        try TaskCensusCanary.check(scanner)
    }

    public func read(into sample: inout Sample) throws(ProbeError) {
        let start = Self.micros()
        guard mustCount || start - lastScanEnd >= lastScanMicros / budgetShare else { return }
        guard let count = scanner.count() else {
            throw ProbeError(probe: name, metric: "tasks", reason: "cannot read /proc/self/maps")
        }
        lastScanEnd = Self.micros()
        lastScanMicros = lastScanEnd - start
        sample.tasks = count
    }

    private static func micros() -> Double {
        MonotonicClock.now() * 1e6
    }
}
