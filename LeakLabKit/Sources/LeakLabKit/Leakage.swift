/// Figures per workload iteration (or, for ``GroundTruth/oneOff``, once per run) for each resource
/// the lab measures.
///
/// Units: `bytes` and `nonHeapBytes` in bytes, the others in counts. Byte figures are what the
/// allocator serves (jemalloc's size classes: a 20 B request is a 32 B block), because that is what
/// `stats.allocated` counts; ``GroundTruth/requestedBytes`` keeps what the code asked for.
public struct Leakage: Codable, Sendable, Equatable {
    /// Heap bytes as the allocator serves them (jemalloc `stats.allocated`).
    public var bytes: Double
    /// Heap allocations kept (mallocs − frees).
    public var objects: Double
    /// Live Swift tasks.
    public var tasks: Double
    public var threads: Double
    public var fds: Double
    /// Resident memory outside the malloc heap (`mmap`, memfd or shared memory that is mapped and
    /// touched): measured as RSS growth beyond the allocator's own resident growth.
    public var nonHeapBytes: Double

    public init(
        bytes: Double = 0, objects: Double = 0, tasks: Double = 0, threads: Double = 0, fds: Double = 0,
        nonHeapBytes: Double = 0
    ) {
        self.bytes = bytes
        self.objects = objects
        self.tasks = tasks
        self.threads = threads
        self.fds = fds
        self.nonHeapBytes = nonHeapBytes
    }

    public static let zero = Leakage()

    /// What a variant that leaks nothing may still show per iteration from allocator and runtime
    /// noise (the tolerance of a clean or bounded variant unless it declares another): 2 B and
    /// 0.02 allocations (a 16 B block every 8 iterations is a leak, and shows above this), 0 tasks,
    /// threads and fds (counted exactly), 256 B of resident memory outside the heap (RSS moves in
    /// 4 KiB pages).
    public static let noise = Leakage(bytes: 2, objects: 0.02, tasks: 0, threads: 0, fds: 0, nonHeapBytes: 256)

    /// The figure for one metric.
    public subscript(metric: LeakMetric) -> Double {
        get {
            switch metric {
            case .bytes: bytes
            case .objects: objects
            case .tasks: tasks
            case .threads: threads
            case .fds: fds
            case .nonHeapBytes: nonHeapBytes
            }
        }
        set {
            switch metric {
            case .bytes: bytes = newValue
            case .objects: objects = newValue
            case .tasks: tasks = newValue
            case .threads: threads = newValue
            case .fds: fds = newValue
            case .nonHeapBytes: nonHeapBytes = newValue
            }
        }
    }

    /// Adds figure by figure.
    public static func + (lhs: Leakage, rhs: Leakage) -> Leakage {
        var sum = lhs
        for metric in LeakMetric.allCases { sum[metric] += rhs[metric] }
        return sum
    }

    /// Every figure multiplied by `factor`.
    public func scaled(by factor: Double) -> Leakage {
        var result = self
        for metric in LeakMetric.allCases { result[metric] *= factor }
        return result
    }

    private enum CodingKeys: String, CodingKey { case bytes, objects, tasks, threads, fds, nonHeapBytes }

    /// Decodes truth written before `nonHeapBytes` existed (plugin API v1 JSON) with 0 there.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bytes = try container.decodeIfPresent(Double.self, forKey: .bytes) ?? 0
        objects = try container.decodeIfPresent(Double.self, forKey: .objects) ?? 0
        tasks = try container.decodeIfPresent(Double.self, forKey: .tasks) ?? 0
        threads = try container.decodeIfPresent(Double.self, forKey: .threads) ?? 0
        fds = try container.decodeIfPresent(Double.self, forKey: .fds) ?? 0
        nonHeapBytes = try container.decodeIfPresent(Double.self, forKey: .nonHeapBytes) ?? 0
    }
}

/// The resources a truth can declare, one per ``Leakage`` field.
public enum LeakMetric: String, Codable, Sendable, CaseIterable {
    case bytes, objects, nonHeapBytes, fds, threads, tasks

    /// Counted exactly by the lab (a tolerance of 0 is meaningful): objects with the thread cache
    /// off, fds, threads and tasks.
    public var isCount: Bool { self != .bytes && self != .nonHeapBytes }
}
