import Glibc
import LeakLabModel

/// jemalloc's statistics through `mallctl`, found with `dlsym` so the same child binary runs under
/// any allocator (jemalloc is preloaded, not linked).
///
/// Each name is turned into a MIB once (`mallctlnametomib`); a sample then refreshes `epoch` and
/// reads by MIB, which allocates nothing (reading by name costs ~1.5 µs and 720 B more per sample).
public final class JemallocProbe: AllocatorProbe {
    public static let allocator = AllocatorName.jemalloc
    typealias MallctlByMIB =
        @convention(c) (
            UnsafePointer<Int>?, Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
        ) -> Int32
    typealias MallctlNameToMIB = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?) -> Int32
    typealias Mallctl =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
        ) -> Int32

    /// A statistic: its mallctl name, the metric it feeds, and whether it is a 64-bit counter
    /// (`uint64_t`) rather than a `size_t`.
    struct Statistic {
        let name: String
        let isCounter: Bool
        var mib: [Int] = []
    }

    public let name = "jemalloc"
    public let metrics: Set<Metric> = [.allocated, .active, .resident, .mapped, .retained, .metadata, .mallocs, .frees]
    /// jemalloc's version string.
    public let version: String?

    private let mallctl: Mallctl
    private let byMIB: MallctlByMIB
    private let epochMIB: [Int]
    private let stats: [Statistic]
    /// Where read values land: one slot per statistic, allocated once.
    private let values: UnsafeMutableBufferPointer<UInt64>

    private static let statisticNames: [(String, Bool)] = [
        ("stats.allocated", false), ("stats.active", false), ("stats.resident", false),
        ("stats.mapped", false), ("stats.retained", false), ("stats.metadata", false),
        // Arena 4096 is MALLCTL_ARENAS_ALL: the sum over all arenas.
        ("stats.arenas.4096.small.nmalloc", true), ("stats.arenas.4096.large.nmalloc", true),
        ("stats.arenas.4096.small.ndalloc", true), ("stats.arenas.4096.large.ndalloc", true),
    ]

    /// Finds jemalloc in the process; `nil` when `mallctl` is not there (another allocator serves).
    public init?() {
        guard let mallctlSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctl"),
            let nameToMIBSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctlnametomib"),
            let byMIBSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctlbymib")
        else { return nil }
        let mallctl = unsafeBitCast(mallctlSymbol, to: Mallctl.self)
        self.mallctl = mallctl
        let nameToMIB = unsafeBitCast(nameToMIBSymbol, to: MallctlNameToMIB.self)
        byMIB = unsafeBitCast(byMIBSymbol, to: MallctlByMIB.self)

        func lookUp(_ name: String) -> [Int]? {
            var mib = [Int](repeating: 0, count: 8)
            var length = mib.count
            let status = name.withCString { nameToMIB($0, &mib, &length) }
            return status == 0 ? Array(mib.prefix(length)) : nil
        }
        guard let epoch = lookUp("epoch") else { return nil }
        epochMIB = epoch
        var stats: [Statistic] = []
        for (statName, isCounter) in Self.statisticNames {
            guard let mib = lookUp(statName) else { return nil }
            stats.append(Statistic(name: statName, isCounter: isCounter, mib: mib))
        }
        self.stats = stats
        values = .allocate(capacity: stats.count)
        values.initialize(repeating: 0)

        var versionPointer: UnsafePointer<CChar>? = nil
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        let status = "version".withCString { mallctl($0, &versionPointer, &size, nil, 0) }
        version = status == 0 && versionPointer != nil ? String(cString: versionPointer!) : "unknown"
    }

    deinit { values.deallocate() }

    /// The statistics ``read(into:reuseSlow:)`` may copy from the last read: no detector or audit
    /// judges them sample by sample.
    public static let slowFigures: [Metric] = [.active, .mapped, .retained, .metadata]
    /// Their indices in ``statisticNames``.
    private static func isSlow(_ index: Int) -> Bool { index == 1 || index == 3 || index == 4 || index == 5 }

    public func read(into sample: inout Sample) throws(ProbeError) {
        try read(into: &sample, reuseSlow: false)
    }

    /// Reads every statistic, or with `reuseSlow` all but ``slowFigures``, which keep their last values.
    public func read(into sample: inout Sample, reuseSlow: Bool) throws(ProbeError) {
        // Refresh the statistics snapshot; reads before this would return stale values.
        var newEpoch: UInt64 = 1
        var oldEpoch: UInt64 = 0
        var epochSize = MemoryLayout<UInt64>.size
        let epochStatus = epochMIB.withUnsafeBufferPointer { mib in
            byMIB(mib.baseAddress, mib.count, &oldEpoch, &epochSize, &newEpoch, MemoryLayout<UInt64>.size)
        }
        guard epochStatus == 0 else { throw ProbeError(probe: name, metric: "epoch", reason: "mallctl returned \(epochStatus)") }

        for index in stats.indices {
            if reuseSlow && Self.isSlow(index) { continue }
            let status: Int32
            if stats[index].isCounter {
                var value: UInt64 = 0
                var size = MemoryLayout<UInt64>.size
                status = stats[index].mib.withUnsafeBufferPointer { byMIB($0.baseAddress, $0.count, &value, &size, nil, 0) }
                values[index] = value
            } else {
                var value: Int = 0
                var size = MemoryLayout<Int>.size
                status = stats[index].mib.withUnsafeBufferPointer { byMIB($0.baseAddress, $0.count, &value, &size, nil, 0) }
                values[index] = UInt64(value)
            }
            guard status == 0 else { throw ProbeError(probe: name, metric: stats[index].name, reason: "mallctl returned \(status)") }
        }
        sample.allocated = Int(values[0])
        sample.active = Int(values[1])
        sample.resident = Int(values[2])
        sample.mapped = Int(values[3])
        sample.retained = Int(values[4])
        sample.metadata = Int(values[5])
        sample.mallocs = Int(values[6] &+ values[7])
        sample.frees = Int(values[8] &+ values[9])
    }
}
