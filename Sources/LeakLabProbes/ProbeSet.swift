import LeakLabModel

/// The probes a child uses: the active allocator's own statistics (if it has any) and /proc.
///
/// A sample reads every figure afresh, except a periodic one (every few iterations within a
/// phase), which reads the slow figures only once in ``slowEvery`` and otherwise copies them from
/// the last read, listing them in ``Sample/reused``. The slow figures are those that cost the
/// most and that no detector or audit judges sample by sample: fds and threads (~5 µs of /proc
/// work between them) and jemalloc's `active`, `mapped`, `retained` and `metadata` (four
/// `mallctl` reads). `allocated`, `resident`, the malloc/free counts and RSS are read every time.
public final class ProbeSet {
    public let probes: [any Probe]
    /// The allocator probes, one per allocator that keeps counters the lab reads. A test checks
    /// this list against the `*Probe.swift` files that conform to ``AllocatorProbe``.
    public static var allocatorProbes: [any AllocatorProbe.Type] { [JemallocProbe.self, GlibcProbe.self, TcmallocProbe.self] }
    /// The probe of the allocator that serves `malloc`, if it has one.
    public let allocatorProbe: (any AllocatorProbe)?
    /// Set when jemalloc serves malloc (the probe benchmark reads its statistics one by one).
    public var jemalloc: JemallocProbe? { allocatorProbe as? JemallocProbe }
    /// A periodic sample reads the slow figures afresh once in this many.
    public static let slowEvery = 4
    /// What a sample that copies the slow figures lists in ``Sample/reused``: one array made
    /// here, so that setting it in a sample allocates nothing.
    public let reusedFigures: [Metric]
    private let proc: ProcProbe
    private var periodicSinceFresh = Int.max
    /// Set when live Swift tasks can be counted (the `tasks` metric and the census).
    public let tasks: TaskProbe?
    /// Why tasks cannot be counted, when they cannot.
    public let tasksUnavailableReason: String?

    /// Picks the allocator probe matching the allocator that actually serves malloc.
    /// `countTasks`: scan for live Swift tasks at every sample (runs the canary once, here).
    public init(active: AllocatorName?, countTasks: Bool = true) throws(ProbeError) {
        var probes: [any Probe] = []
        // An allocator without a probe (mimalloc: no usable byte counter, docs/allocators.md) gives RSS only.
        allocatorProbe = Self.allocatorProbes.first { $0.allocator == active }?.init()
        if let allocatorProbe { probes.append(allocatorProbe) }
        proc = try ProcProbe()
        probes.append(proc)
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
        self.tasks = taskProbe
        self.tasksUnavailableReason = reason
        reusedFigures = (allocatorProbe.map { type(of: $0).slowFigures } ?? []) + ProcProbe.slowFigures
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

    /// Reads every probe into one sample, every figure afresh.
    public func read(into sample: inout Sample) throws(ProbeError) {
        try read(into: &sample, mayReuse: false)
    }

    /// Reads every probe into one sample; with `mayReuse` (a periodic sample within a phase) the
    /// slow figures are copied from the last read unless ``slowEvery`` periodic samples have
    /// passed since it.
    public func read(into sample: inout Sample, mayReuse: Bool) throws(ProbeError) {
        let reuse = mayReuse && periodicSinceFresh < Self.slowEvery - 1
        periodicSinceFresh = reuse ? periodicSinceFresh + 1 : 0
        try allocatorProbe?.read(into: &sample, reuseSlow: reuse)
        try proc.read(into: &sample, reuseSlow: reuse)
        try tasks?.read(into: &sample)
        if reuse { sample.reused = reusedFigures }
    }
}
