// Measures what one sample costs inside a process like the child host: the median (and mean) wall
// time of `ProbeSet.read` over many samples, read as the host reads a periodic workload sample
// (`mayReuse: true`: fds and threads afresh one sample in ProcProbe.slowEvery), the same for a
// sample that reads everything afresh (phase changes, settle), and the allocations a sample makes,
// counted by the allocator itself (jemalloc's malloc count, exact with MALLOC_CONF=tcache:false).
// Prints one JSON object.
//
//   LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=tcache:false leaklab-bench-probe [SAMPLES]
//   ... leaklab-bench-probe census [TASKS]   (CensusBench.swift: task count and census cost)
import Foundation
import LeakLabModel
import LeakLabProbes

nonisolated func now() -> Double {
    MonotonicClock.now() * 1e6
}

nonisolated func measure() throws -> [String: Double] {
    let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000
    let detected = AllocatorDetection.detect()
    let probes = try ProbeSet(active: detected.allocator)
    var sample = Sample(t: 0, phase: .workload, iteration: 0)
    for _ in 0..<1_000 { try probes.read(into: &sample, mayReuse: true) }  // warm up: caches, page faults

    var timings = [Double](repeating: 0, count: count)  // allocated before measuring
    var before = Sample(t: 0, phase: .workload, iteration: 0)
    try probes.read(into: &before)
    // As the host's Sampler takes a periodic sample: the task count only when the task probe's
    // own cadence asks for one (`mustCount` false), the slow figures once in `slowEvery`.
    probes.tasks?.mustCount = false
    for index in 0..<count {
        let start = now()
        try probes.read(into: &sample, mayReuse: true)
        timings[index] = now() - start
    }
    probes.tasks?.mustCount = true
    var after = Sample(t: 0, phase: .workload, iteration: 0)
    try probes.read(into: &after)

    var freshTimings = [Double](repeating: 0, count: count)
    for index in 0..<count {
        let start = now()
        try probes.read(into: &sample, mayReuse: false)
        freshTimings[index] = now() - start
    }

    // The jemalloc-only part, for the floor the issue quotes: epoch refresh plus 10 reads.
    var allocatorTimings: [Double] = []
    if let jemalloc = probes.jemalloc {
        allocatorTimings.reserveCapacity(count)
        for _ in 0..<count {
            let start = now()
            try jemalloc.read(into: &sample)
            allocatorTimings.append(now() - start)
        }
    }
    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
    var result: [String: Double] = [
        "samples": Double(count),
        "sampleMicros": median(timings),
        "sampleMeanMicros": timings.reduce(0, +) / Double(max(1, count)),
        "freshSampleMicros": median(freshTimings),
    ]
    if let mallocsBefore = before.mallocs, let mallocsAfter = after.mallocs {
        // The reads of `before` and `after` themselves are inside the window: one extra sample.
        result["sampleAllocations"] = Double(mallocsAfter - mallocsBefore) / Double(count + 1)
    }
    if !allocatorTimings.isEmpty { result["allocatorProbeMicros"] = median(allocatorTimings) }
    return result
}

do {
    let arguments = CommandLine.arguments
    let result =
        arguments.count > 1 && arguments[1] == "census"
        ? try measureCensus(tasks: arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000)
        : try measure()
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("leaklab-bench-probe: \(error)\n".utf8))
    exit(3)
}
