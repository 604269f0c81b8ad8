import LeakLabModel

/// The probes a child uses: the active allocator's own statistics (if it has any) and /proc.
public struct ProbeSet {
    public let probes: [any Probe]
    /// Set when jemalloc serves malloc, for its version and thread-cache flush.
    public let jemalloc: JemallocProbe?

    /// Picks the allocator probe matching the allocator that actually serves malloc.
    public init(active: AllocatorName?) throws(ProbeError) {
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
        self.probes = probes
        self.jemalloc = jemalloc
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
