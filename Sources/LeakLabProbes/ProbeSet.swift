import LeakLabModel

/// The probes a child uses: the active allocator's own statistics (if it has any) and /proc.
public struct ProbeSet {
    public let probes: [any Probe]
    /// Set when jemalloc serves malloc, for its version and thread-cache flush.
    public let jemalloc: JemallocProbe?
    /// Set when live Swift tasks can be counted (the `tasks` metric and the census).
    public let tasks: TaskProbe?
    /// Why tasks cannot be counted, when they cannot.
    public let tasksUnavailableReason: String?

    /// Picks the allocator probe matching the allocator that actually serves malloc.
    /// `countTasks`: scan for live Swift tasks at every sample (runs the canary once, here).
    public init(active: AllocatorName?, countTasks: Bool = true) throws(ProbeError) {
        var probes: [any Probe] = []
        var jemalloc: JemallocProbe? = nil
        switch active {
        case .jemalloc:
            jemalloc = JemallocProbe()
            if let jemalloc { probes.append(jemalloc) }
        case .glibc:
            if let glibc = GlibcProbe() { probes.append(glibc) }
        case .tcmalloc:
            if let tcmalloc = TcmallocProbe() { probes.append(tcmalloc) }
        case .mimalloc, nil:
            break  // mimalloc offers no usable byte counter (FACTS): RSS only.
        }
        probes.append(try ProcProbe())
        var taskProbe: TaskProbe? = nil
        var reason: String? = nil
        if countTasks {
            do throws(ProbeError) {
                taskProbe = try TaskProbe()
            } catch {
                reason = error.description
            }
            if let taskProbe { probes.append(taskProbe) }
        }
        self.probes = probes
        self.jemalloc = jemalloc
        self.tasks = taskProbe
        self.tasksUnavailableReason = reason
    }

    /// Every metric some probe gives.
    public var metrics: Set<Metric> {
        probes.reduce(into: Set<Metric>()) { $0.formUnion($1.metrics) }.union(
            probes.contains { $0.metrics.contains(.mallocs) } ? [.liveObjects] : [])
    }

    /// The metrics no probe gives: absent from every sample.
    public var unavailableMetrics: [Metric] {
        Metric.allCases.filter { !metrics.contains($0) }
    }

    /// Reads every probe into one sample.
    public func read(into sample: inout Sample) throws(ProbeError) {
        for probe in probes { try probe.read(into: &sample) }
    }
}
