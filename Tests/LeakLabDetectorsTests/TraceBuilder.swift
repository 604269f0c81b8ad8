import LeakLabKit
import LeakLabModel

/// Builds synthetic traces shaped like the child's: a set-up sample, warm-up and workload samples
/// every `every` iterations, `settleSamples` settle samples, and a tear-down sample.
struct TraceBuilder {
    var warmUp = 100
    var workload = 2_000
    var every = 10
    var settleSamples = 6
    var allocator: AllocatorName = .jemalloc
    var seed: UInt64 = 1
    /// Uniform allocator noise on `allocated`, ± bytes.
    var noise = 4_096.0
    /// Amplitude of slowly wandering churn (an AR(1) process), bytes.
    var churn = 0.0
    /// Extra heap bytes held after workload iteration i (0…workload).
    var heap: @Sendable (Int) -> Double = { _ in 0 }
    /// Extra live objects after workload iteration i.
    var objects: @Sendable (Int) -> Double = { _ in 0 }
    var fds: @Sendable (Int) -> Int = { _ in 0 }
    var threads: @Sendable (Int) -> Int = { _ in 0 }
    /// Extra live Swift tasks after workload iteration i; `nil`: the trace has no `tasks` metric.
    var tasks: (@Sendable (Int) -> Int)? = nil
    /// Of the tasks still live at the end of settle, how many the census finds suspended.
    var suspendedShare = 1.0
    /// Resident bytes outside the heap (mmap'd and touched) after workload iteration i: RSS only.
    var nonHeap: @Sendable (Int) -> Double = { _ in 0 }
    /// Fraction of the end-of-workload extras still held at the end of settle.
    var settleKept = 1.0

    static let baseHeap = 6_000_000.0
    static let baseRSS = 14_000_000.0

    func build() -> Trace {
        var random = SplitMix64(seed: seed)
        var wander = 0.0
        var samples: [Sample] = []
        var peakRSS = 0.0
        var peakResident = 0.0
        let hasJemallocStats = allocator == .jemalloc

        func sample(_ phase: Phase, iteration: Int, extraHeap: Double, extraObjects: Double, fds: Int, threads: Int, tasks: Int = 0, nonHeap: Double = 0) {
            wander = 0.95 * wander + 0.05 * churn * (random.unit() * 2 - 1) * 4
            let warm = min(Double(min(iteration, warmUp)) / Double(max(warmUp, 1)), 1) * 200_000
            let allocated = Self.baseHeap + warm + extraHeap + wander + noise * (random.unit() * 2 - 1)
            let active = (allocated / 4096).rounded(.up) * 4096 + 65_536
            peakResident = max(peakResident, active + 2_000_000)
            // jemalloc decays slowly: resident keeps its peak through a 300 ms settle.
            let resident = phase >= .settle ? peakResident : active + 2_000_000
            peakRSS = max(peakRSS, Self.baseRSS + (allocated - Self.baseHeap).rounded(.up))
            let mallocs = 1_000 + 20 * iteration
            let live = 500 + Int(extraObjects.rounded())
            samples.append(
                Sample(
                    t: Double(samples.count) * 0.01, phase: phase, iteration: iteration,
                    allocated: Int(allocated),
                    active: hasJemallocStats ? Int(active) : nil,
                    resident: hasJemallocStats ? Int(resident) : nil,
                    mapped: hasJemallocStats ? Int(resident) + 4_000_000 : nil,
                    retained: hasJemallocStats ? 1_000_000 : nil,
                    metadata: hasJemallocStats ? 200_000 : nil,
                    mallocs: hasJemallocStats ? mallocs : nil,
                    frees: hasJemallocStats ? mallocs - live : nil,
                    rss: Int(((peakRSS + nonHeap) / 4096).rounded(.up) * 4096), fds: 5 + fds, threads: 3 + threads,
                    tasks: self.tasks == nil ? nil : 1 + tasks))
        }

        sample(.setUp, iteration: 0, extraHeap: 0, extraObjects: 0, fds: 0, threads: 0)
        for iteration in stride(from: every, through: warmUp, by: every) {
            sample(.warmUp, iteration: iteration, extraHeap: 0, extraObjects: 0, fds: 0, threads: 0)
        }
        for i in stride(from: every, through: workload, by: every) {
            sample(
                .workload, iteration: warmUp + i, extraHeap: heap(i), extraObjects: objects(i), fds: fds(i), threads: threads(i),
                tasks: self.tasks?(i) ?? 0, nonHeap: nonHeap(i))
        }
        for s in 0..<settleSamples {
            let kept = settleKept + (1 - settleKept) * max(0, 1 - Double(s + 1) / 3)
            sample(
                .settle, iteration: warmUp + workload, extraHeap: heap(workload) * kept,
                extraObjects: objects(workload) * kept, fds: Int((Double(fds(workload)) * kept).rounded()),
                threads: Int((Double(threads(workload)) * kept).rounded()),
                tasks: Int((Double(self.tasks?(workload) ?? 0) * kept).rounded()), nonHeap: nonHeap(workload))
        }
        sample(.tearDown, iteration: warmUp + workload, extraHeap: 0, extraObjects: 0, fds: 0, threads: 0)

        let unavailable: [Metric] = hasJemallocStats ? [] : [.active, .resident, .mapped, .retained, .metadata, .mallocs, .frees, .liveObjects]
        var census: TaskCensus?
        if let tasks {
            // What the child's census would find after settle: the driver running, the rest split.
            let left = Int((Double(tasks(workload)) * settleKept).rounded())
            let suspended = Int((Double(left) * suspendedShare).rounded())
            let frame = TaskCensus.Frame(module: 0, offset: 4096, function: "closure #1 in Synthetic.iteration()")
            var groups = [TaskCensus.Group(count: 1, state: .running, cancelled: false, frames: [], waitsIn: "Driver.run()")]
            if suspended > 0 {
                groups.append(TaskCensus.Group(count: suspended, state: .suspended, cancelled: false, frames: [frame], waitsIn: frame.function))
            }
            if left - suspended > 0 {
                groups.append(TaskCensus.Group(count: left - suspended, state: .enqueued, cancelled: false, frames: [frame], waitsIn: frame.function))
            }
            census = TaskCensus(
                phase: .settle, iteration: warmUp + workload, tasks: 1 + left, millis: 1, modules: ["/synthetic.so"],
                groups: groups.sorted { $0.count > $1.count })
        }
        return Trace(
            scenario: "synthetic", variant: "variant", pattern: "unbounded-cache",
            allocator: AllocatorReport(requested: allocator, active: allocator), parameters: ["seed": "\(seed)"],
            warmUpIterations: warmUp, workloadIterations: workload, sampleEvery: every, outcome: .completed,
            unavailableMetrics: tasks == nil ? unavailable + [.tasks] : unavailable, samples: samples, census: census)
    }
}

extension TraceBuilder {
    /// Keeps `bytes` and one object per iteration.
    static func linearLeak(bytes: Double = 1_300, seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.heap = { Double($0) * bytes }
        builder.objects = { Double($0) }
        return builder
    }

    /// Holds nothing: allocator noise only.
    static func flat(seed: UInt64 = 1) -> TraceBuilder { TraceBuilder(seed: seed) }

    /// Holds nothing, with a working set that wanders by about ±64 KB.
    static func churn(seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.churn = 65_536
        return builder
    }

    /// A cache that fills at `bytes` per iteration until iteration `full`, then evicts as it inserts.
    static func plateau(bytes: Double = 1_000, full: Int = 600, seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.heap = { Double(min($0, full)) * bytes }
        builder.objects = { Double(min($0, full)) }
        return builder
    }

    /// Parks `bytes` per iteration during the workload and releases it all in settle.
    static func fallBack(bytes: Double = 1_500, seed: UInt64 = 1) -> TraceBuilder {
        var builder = linearLeak(bytes: bytes, seed: seed)
        builder.settleKept = 0
        return builder
    }

    /// Leaves an fd open per iteration and nothing on the heap.
    static func fdsLeak(seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.workload = 1_000
        builder.fds = { $0 }
        return builder
    }

    /// Leaves a suspended task per iteration (and its ~1.4 KB) after settle.
    static func tasksLeak(seed: UInt64 = 1) -> TraceBuilder {
        var builder = linearLeak(bytes: 1_400, seed: seed)
        builder.tasks = { $0 }
        return builder
    }

    /// Parks a task per iteration and resumes them all in settle: nothing is left.
    static func tasksParkedUntilSettle(seed: UInt64 = 1) -> TraceBuilder {
        var builder = tasksLeak(seed: seed)
        builder.settleKept = 0
        return builder
    }

    /// Leaves a task per iteration that is still runnable (enqueued), not waiting.
    static func tasksBusy(seed: UInt64 = 1) -> TraceBuilder {
        var builder = tasksLeak(seed: seed)
        builder.suspendedShare = 0
        return builder
    }

    /// Counts tasks and keeps none.
    static func tasksFlat(seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.tasks = { _ in 0 }
        return builder
    }

    /// Blocks a thread per iteration (100 iterations, a sample each), nothing on the heap.
    static func threadsLeak(seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.warmUp = 5
        builder.workload = 100
        builder.every = 1
        builder.threads = { $0 }
        return builder
    }

    /// A pool that starts 3 more threads at the start of the workload, then reuses them.
    static func threadPool(seed: UInt64 = 1) -> TraceBuilder {
        var builder = threadsLeak(seed: seed)
        builder.threads = { min($0, 3) }
        return builder
    }

    /// A buffer that keeps `bytes` and an object per iteration and is cleared every `tooth`
    /// iterations, over `workload` iterations (1,899: the run stops near the top of a tooth).
    static func sawtooth(bytes: Double = 1_000, tooth: Int = 500, workload: Int = 1_899, seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.workload = workload
        builder.heap = { Double($0 % tooth) * bytes }
        builder.objects = { Double($0 % tooth) }
        return builder
    }

    /// `bytes` per iteration mmap'd and touched, never unmapped: RSS climbs, the heap is flat.
    static func mappedLeak(bytes: Double = 16_384, seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.nonHeap = { Double($0) * bytes }
        return builder
    }

    /// Nothing leaks until workload iteration `onset`, then `bytes` and an object per iteration.
    static func onsetLeak(bytes: Double = 256, onset: Int = 1_200, seed: UInt64 = 1) -> TraceBuilder {
        var builder = TraceBuilder(seed: seed)
        builder.heap = { Double(max(0, $0 - onset)) * bytes }
        builder.objects = { Double(max(0, $0 - onset)) }
        return builder
    }

    /// The linear leak under glibc: `allocated`, RSS, fds and threads only.
    static func glibcLeak(seed: UInt64 = 1) -> TraceBuilder {
        var builder = linearLeak(seed: seed)
        builder.allocator = .glibc
        return builder
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
