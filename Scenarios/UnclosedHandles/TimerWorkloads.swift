import Dispatch
import LeakLabKit
import Synchronization

/// Counts timer firings across threads.
final class TickCounter: Sendable {
    let ticks = Atomic<Int>(0)
    func tick() { ticks.add(1, ordering: .relaxed) }
}

/// Stands in for the work a call does while its ticker reports progress.
@inline(never)
func doWork(_ index: Int) -> Int { index &* 31 }

// leaklab:begin never-cancelled
/// Reports progress on a repeating timer and relies on deinit to stop it. The handler refers to
/// `self`, so the timer's handler keeps the reporter alive and the reporter keeps the timer:
/// deinit never runs, and the armed timer fires forever.
final class ProgressReporter: @unchecked Sendable {  // touched only on `queue` after init
    let ticker: DispatchSourceTimer
    let counter: TickCounter
    var reported = 0

    init(queue: DispatchQueue, interval: DispatchTimeInterval, counter: TickCounter) {
        self.counter = counter
        ticker = DispatchSource.makeTimerSource(queue: queue)
        ticker.schedule(deadline: .now() + interval, repeating: interval)
        ticker.setEventHandler { self.report() }  // strong capture: ticker → handler → self → ticker
        ticker.resume()
    }

    func report() {
        reported += 1
        counter.tick()
    }

    deinit { ticker.cancel() }  // never reached
}

final class TickerNeverCancelled: ScenarioWorkload {
    let queue = DispatchQueue(label: "leaklab.tickers")
    let counter = TickCounter()
    let interval: DispatchTimeInterval
    init(intervalMillis: Int) { interval = .milliseconds(intervalMillis) }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let reporter = ProgressReporter(queue: queue, interval: interval, counter: counter)
        _ = doWork(index)
        _ = reporter  // dropped here; the caller trusts deinit to stop the ticker
    }
}
// leaklab:end never-cancelled

// leaklab:begin cancelled-with-defer
/// The same reporter with an explicit stop(): cancelling the source releases its handler, which
/// breaks the cycle, so the reporter and its timer are freed.
final class StoppableReporter: @unchecked Sendable {
    let ticker: DispatchSourceTimer
    let counter: TickCounter
    var reported = 0

    init(queue: DispatchQueue, interval: DispatchTimeInterval, counter: TickCounter) {
        self.counter = counter
        ticker = DispatchSource.makeTimerSource(queue: queue)
        ticker.schedule(deadline: .now() + interval, repeating: interval)
        ticker.setEventHandler { self.report() }
        ticker.resume()
    }

    func report() {
        reported += 1
        counter.tick()
    }

    /// Cancels the ticker and waits until libdispatch has run the cancellation (which releases
    /// the handler), so no cancelled timer is still pending when stop() returns.
    func stop() {
        let stopped = DispatchSemaphore(value: 0)
        ticker.setCancelHandler { stopped.signal() }
        ticker.cancel()
        stopped.wait()
    }
}

final class TickerCancelledWithDefer: ScenarioWorkload {
    let queue = DispatchQueue(label: "leaklab.tickers")
    let counter = TickCounter()
    let interval: DispatchTimeInterval
    init(intervalMillis: Int) { interval = .milliseconds(intervalMillis) }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let reporter = StoppableReporter(queue: queue, interval: interval, counter: counter)
        defer { reporter.stop() }  // the fix: cancel on every path out
        _ = doWork(index)
    }
}
// leaklab:end cancelled-with-defer
