import Foundation

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
private final class SharedState<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    var results: [T?]

    init(count: Int) {
        self.count = count
        results = Array(repeating: nil, count: count)
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        defer { nextIndex += 1 }
        return nextIndex
    }

    func finish(_ index: Int, _ result: T, report: (Int, T) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        results[index] = result
        report(index, result)
    }
}
