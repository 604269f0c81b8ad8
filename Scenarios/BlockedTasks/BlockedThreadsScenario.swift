import Dispatch
import LeakLabKit

/// Threads that block forever: each blocked work item pins a whole thread.
let blockedThreadsScenario = Scenario(
    id: "blocked-threads",
    title: "Dispatch work items blocked forever on a semaphore",
    pattern: .blockedTasks,
    summary: """
        Each iteration hands a work item to its own serial queue; the item waits on a semaphore \
        nobody signals. libdispatch gives every blocked serial queue its own thread, so threads grow \
        by one per iteration, each with its stack.
        """,
    training: Training(
        symptoms: """
            The thread count grows by one per iteration (/proc/self/stat, `ls /proc/PID/task | wc -l`); \
            heap bytes grow only a little (the queue and the work item), RSS by each thread's touched stack.
            """,
        detection: """
            Resource checks (threads left behind) see it at once; heap-based detectors see a small \
            slope. valgrind and LeakSanitizer report nothing: a blocked thread still references \
            everything it holds.
            """,
        fix: """
            Never block a Dispatch thread on something that may not come: signal the semaphore on \
            every path, wait with a timeout, or use async/await so waiting holds no thread.
            """,
        mirrors: "Go: goroutines blocked on a mutex or WaitGroup forever; here each one costs an OS thread."),
    parameters: [],
    defaultIterations: 100,
    defaultWarmUp: 5,
    // libdispatch stops adding worker threads at about 255: past it a blocked work item never starts.
    maximumIterations: 200,
    variants: [
        Variant(
            name: "semaphore-never-signalled", role: .leaky,
            summary: "each work item waits on a semaphore nobody signals",
            truth: .leak(
                .heap(.reachable, bytes: 848, objects: 7.5), .threads(1), spread: Leakage(bytes: 42, objects: 0.55),
                note:
                    "measured: one blocked thread per iteration, and 816 or 880 B in 7 or 8 allocations (run to run) for its queue, label and work item; RSS grows ~9 KiB more per thread, the touched part of its stack"
            ),
            source: SourceLocation(region: "semaphore-never-signalled"),
            makeWorkload: { _ in SemaphoreNeverSignalled() }),
        Variant(
            name: "semaphore-signalled", role: .fixed,
            summary: "the same work item, signalled: the thread returns to the pool",
            truth: .clean(),
            source: SourceLocation(region: "semaphore-signalled"),
            makeWorkload: { _ in SemaphoreSignalled() }),
        Variant(
            name: "fixed-worker-pool", role: .decoy,
            summary: "a pool of 8 worker threads that park between jobs: threads grow to 8, then stay",
            truth: .bounded(note: "threads rise to the pool size in the first 8 iterations, each worker waited for until its thread runs, and never past it"),
            source: SourceLocation(region: "fixed-worker-pool"),
            makeWorkload: { _ in FixedWorkerPool(size: 8) }),
    ])

// leaklab:begin semaphore-never-signalled
/// Each iteration blocks one more Dispatch thread forever.
final class SemaphoreNeverSignalled: ScenarioWorkload {
    let never = DispatchSemaphore(value: 0)
    var blocked = 0

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let queue = DispatchQueue(label: "leaklab.blocked.\(index)")
        let started = DispatchSemaphore(value: 0)
        let never = self.never
        queue.async {
            started.signal()
            never.wait()  // nobody ever signals this
        }
        // The thread is now blocked — unless libdispatch's pool is full and starts no thread for it.
        guard started.wait(timeout: .now() + SemaphoreNeverSignalled.startTimeout) == .success else {
            throw DispatchPoolFull(blocked: blocked)
        }
        blocked += 1
    }
}
// leaklab:end semaphore-never-signalled

extension SemaphoreNeverSignalled {
    /// How long an iteration waits for its work item to start. A thread starts within
    /// milliseconds while the pool has room.
    static let startTimeout: DispatchTimeInterval = .seconds(5)
}

/// libdispatch on Linux stops adding threads at about 255: past that, the next work item never
/// starts and a run would hang until its wall-time budget.
struct DispatchPoolFull: Error, CustomStringConvertible {
    var blocked: Int
    var description: String {
        "libdispatch started no thread for work item \(blocked + 1) within 5 s: its thread pool stops growing at about 255 threads on Linux and \(blocked) are blocked here; run at most ~240 iterations (warm-up + workload), e.g. --iterations 200"
    }
}

// leaklab:begin semaphore-signalled
/// The work item is signalled and finishes; the iteration waits for it. It runs on one shared
/// queue created once, so the workload measures only the fix, not queue creation.
final class SemaphoreSignalled: ScenarioWorkload {
    let queue = DispatchQueue(label: "leaklab.signalled", attributes: .concurrent)

    /// libdispatch keeps freed work-item continuations in per-thread caches that fill up over the
    /// first few hundred items; fill them before the baseline so the workload measures the fix.
    func setUp(context: ScenarioContext) async throws {
        for index in 0..<512 { try await iteration(index, context: context) }
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let reply = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        queue.async {
            reply.wait()
            done.signal()
        }
        reply.signal()  // the reply arrives
        done.wait()
    }
}
// leaklab:end semaphore-signalled

// leaklab:begin fixed-worker-pool
/// A fixed pool: the first iterations start up to `size` long-lived workers; later jobs reuse them.
///
/// Each new worker is waited for until its thread runs, as a pool that starts eagerly does:
/// libdispatch starts the thread for a blocked worker on its own schedule, and on a busy machine
/// that came so late that a short run saw 4–6 threads appear in the second half of its workload.
final class FixedWorkerPool: ScenarioWorkload {
    let size: Int
    let jobs = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let running = DispatchSemaphore(value: 0)
    var started = 0
    init(size: Int) { self.size = size }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        if started < size {
            started += 1
            let jobs = self.jobs, done = self.done, running = self.running
            DispatchQueue(label: "leaklab.worker.\(started)").async {
                running.signal()
                while true {
                    jobs.wait()
                    done.signal()
                }
            }
            waitUntilRunning()
        }
        jobs.signal()
        done.wait()
    }

    /// Blocks until the worker just started has its thread.
    private func waitUntilRunning() { running.wait() }
}
// leaklab:end fixed-worker-pool
