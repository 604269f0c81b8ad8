import Foundation
import LeakLabRunner
import Testing

/// The lab's one worker pool: results in index order, completion reported one at a time.
@Suite struct WorkerPoolTests {
    /// Shared state for the workers, behind a lock.
    final class Shared<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Value
        init(_ value: Value) { self.value = value }
        func withLock<R>(_ body: (inout Value) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }

    @Test func resultsComeBackInIndexOrderWhateverOrderTheyFinishIn() {
        let results = WorkerPool.map(6, jobs: 3) { index in
            usleep(UInt32((6 - index) * 2_000))  // later items finish first
            return index * index
        }
        #expect(results == [0, 1, 4, 9, 16, 25])
    }

    @Test func everyItemIsReportedOnceAndNeverTwoAtATime() {
        let state = Shared((reported: [Int](), inside: 0, overlap: false))
        _ = WorkerPool.map(20, jobs: 4, work: { $0 }) { index, _ in
            state.withLock { value in
                value.inside += 1
                if value.inside > 1 { value.overlap = true }
            }
            usleep(500)
            state.withLock { value in
                value.reported.append(index)
                value.inside -= 1
            }
        }
        state.withLock { value in
            #expect(value.reported.sorted() == Array(0..<20))
            #expect(!value.overlap)
        }
    }

    @Test func atMostJobsItemsRunAtOnce() {
        let state = Shared((running: 0, most: 0))
        _ = WorkerPool.map(12, jobs: 3) { _ in
            state.withLock { value in
                value.running += 1
                value.most = max(value.most, value.running)
            }
            usleep(3_000)
            state.withLock { $0.running -= 1 }
        }
        #expect(state.withLock { $0.most } <= 3)
    }

    @Test func nothingToDoReturnsNothing() {
        #expect(WorkerPool.map(0, jobs: 2) { $0 }.isEmpty)
    }
}
