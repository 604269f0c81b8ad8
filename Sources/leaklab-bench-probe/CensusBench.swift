// `leaklab-bench-probe census [TASKS]`: the cost of counting and of a census with TASKS live
// tasks parked on continuations, and what a census changes in the allocator's counts.
import Foundation
import LeakLabHost
import LeakLabModel
import LeakLabProbes
import Synchronization

/// Continuations of the parked tasks.
let parkedTasks = Mutex<[UnsafeContinuation<Void, Never>]>([])

/// Where the benchmark's tasks wait.
@inline(never)
func parkForBenchmark() async {
    await withUnsafeContinuation { continuation in parkedTasks.withLock { $0.append(continuation) } }
}

nonisolated func measureCensus(tasks: Int) throws -> [String: Double] {
    let detected = AllocatorDetection.detect()
    let probes = try ProbeSet(active: detected.allocator)
    guard let scanner = probes.tasks?.scanner else {
        throw ProbeError(probe: "tasks", metric: "tasks", reason: probes.tasksUnavailableReason ?? "unavailable")
    }
    let before = scanner.count() ?? -1
    for _ in 0..<tasks { Task.detached { await parkForBenchmark() } }
    while parkedTasks.withLock({ $0.count }) < tasks { usleep(1_000) }
    var encoder = try require_(CensusLineEncoder())
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    var countTimes: [Double] = [], censusTimes: [Double] = []
    var found = 0, grouped = 0
    for _ in 0..<11 {
        let start = now()
        found = scanner.count() ?? -1
        countTimes.append((now() - start) / 1_000)
    }
    for _ in 0..<11 {
        let start = now()
        guard let census = scanner.census() else { continue }
        _ = encoder.encode(census, scanner: scanner, phase: .settle, iteration: 0, millis: 0)
        censusTimes.append((now() - start) / 1_000)
        grouped = census.groups.reduce(0) { $0 + Int($1.count) }
    }
    // What one census changes in the allocator's counts: sample, census + encoding, sample.
    var first = Sample(t: 0, phase: .settle, iteration: 0), second = first
    try probes.read(into: &first)
    if let census = scanner.census() { _ = encoder.encode(census, scanner: scanner, phase: .settle, iteration: 0, millis: 0) }
    try probes.read(into: &second)
    var result: [String: Double] = [
        "censusTasks": Double(tasks),
        "tasksFound": Double(found - before),
        "tasksGrouped": Double(grouped),
        "taskCountMillis": median(countTimes),
        "censusMillis": median(censusTimes),
        "censusVMReadv": scanner.usesVMReadv ? 1 : 0,
    ]
    // The sample reads themselves allocate nothing (sampleAllocations): any difference is the census's.
    if let a = first.mallocs, let b = second.mallocs { result["censusAllocations"] = Double(b - a) }
    if let a = first.allocated, let b = second.allocated { result["censusAllocatedBytes"] = Double(b - a) }
    return result
}

/// Unwraps or throws (a tiny stand-in for a test's #require).
func require_<T>(_ value: T?) throws -> T {
    guard let value else { throw ProbeError(probe: "census", metric: "encoder", reason: "cannot map the encoder's buffer") }
    return value
}
