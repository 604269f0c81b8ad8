import Foundation
import Synchronization

/// The lab's one worker pool: `jobs` plain threads take items in order until none is left. Plain
/// threads, not tasks: each worker blocks in `poll()` on a child (or a tool run under valgrind),
/// which must not starve the concurrency runtime's small pool.
public enum WorkerPool {
    /// Calls `work` for every index in `0..<count`, `jobs` at a time, and hands each result to
    /// `onFinished` as soon as it is in: one call at a time (never concurrently), in completion
    /// order. Returns the results in index order.
    public static func map<T: Sendable>(
        _ count: Int, jobs: Int,
        work: @escaping @Sendable (Int) -> T,
        onFinished: @escaping @Sendable (Int, T) -> Void = { _, _ in }
    ) -> [T] {
        let state = SharedState<T>(count: count)
        let group = DispatchGroup()
        for _ in 0..<min(max(1, jobs), max(1, count)) {
            group.enter()
            let thread = Thread {
                while let index = state.next() {
                    state.finish(index, work(index), report: onFinished)
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return state.results.map { $0! }
    }
}

/// The next index to work on and the results so far, behind one lock.
private final class SharedState<T: Sendable>: Sendable {
    private struct Progress {
        var nextIndex = 0
        var results: [T?]
    }
    private let progress: Mutex<Progress>
    private let count: Int

    init(count: Int) {
        self.count = count
        progress = Mutex(Progress(results: Array(repeating: nil, count: count)))
    }

    var results: [T?] { progress.withLock { $0.results } }

    func next() -> Int? {
        progress.withLock { progress in
            guard progress.nextIndex < count else { return nil }
            defer { progress.nextIndex += 1 }
            return progress.nextIndex
        }
    }

    /// Records a result and reports it under the lock, so reports never run concurrently.
    func finish(_ index: Int, _ result: T, report: (Int, T) -> Void) {
        progress.withLock { progress in
            progress.results[index] = result
            report(index, result)
        }
    }
}
