import LeakLabModel

/// The `tasks` metric: live Swift tasks, counted by ``TaskScanner`` at every sample.
///
/// Made only when the scanner knows the runtime's layout and the canary (``TaskCensusCanary``)
/// finds exactly the tasks it parks; otherwise `tasks` is unavailable (absent, never 0).
public final class TaskProbe: Probe {
    public let name = "tasks"
    public let metrics: Set<Metric> = [.tasks]
    public let scanner: TaskScanner

    public init() throws(ProbeError) {
        scanner = try TaskScanner()
        try TaskCensusCanary.check(scanner)
    }

    public func read(into sample: inout Sample) throws(ProbeError) {
        guard let count = scanner.count() else {
            throw ProbeError(probe: name, metric: "tasks", reason: "cannot read /proc/self/maps")
        }
        sample.tasks = count
    }
}
