import Glibc
import LeakLabModel
import Synchronization

/// A self-test against silent undercounts: parks `count` tasks in a known function, requires the
/// scanner to find exactly that many more live tasks, then lets them finish and requires the
/// count to come back. Run once before a child measures anything.
enum TaskCensusCanary {
    /// Continuations of the parked tasks, resumed when the check is done.
    private static let parked = Mutex<[UnsafeContinuation<Void, Never>]>([])

    /// Throws when the scanner misses or invents tasks.
    static func check(_ scanner: TaskScanner, count: Int = 8) throws(ProbeError) {
        func fail(_ reason: String) -> ProbeError { ProbeError(probe: "tasks", metric: "tasks", reason: "canary: \(reason)") }
        guard let before = settledCount(scanner, target: nil) else { throw fail("cannot read /proc/self/maps") }
        for _ in 0..<count {
            Task.detached { await park() }
        }
        // Wait until every canary has parked its continuation (then it is suspended or about to be).
        var waited = 0
        while parked.withLock({ $0.count }) < count {
            usleep(200)
            waited += 1
            if waited > 25_000 { throw fail("the canary tasks did not start within 5 s") }
        }
        let during = settledCount(scanner, target: before + count)
        let continuations = parked.withLock { list in
            defer { list = [] }
            return list
        }
        for continuation in continuations { continuation.resume() }
        let after = settledCount(scanner, target: before)
        guard during == before + count else {
            throw fail("\(count) tasks parked, the scan found \((during ?? before) - before) more than before")
        }
        guard after == before else { throw fail("\(before) tasks before the canary, \(after ?? -1) after it ended") }
    }

    /// Parks the calling task until the check resumes it.
    @inline(never)
    static func park() async {
        await withUnsafeContinuation { continuation in parked.withLock { $0.append(continuation) } }
    }

    /// Counts until the count equals `target` (tasks start and end asynchronously), for up to 2 s.
    private static func settledCount(_ scanner: TaskScanner, target: Int?) -> Int? {
        var last = scanner.count()
        guard let target else { return last }
        for _ in 0..<400 where last != target {
            usleep(5_000)
            last = scanner.count()
        }
        return last
    }
}
