import LeakLabHost
import LeakLabModel
import Testing

@Suite struct SettleWatchTests {
    func sample(allocated: Int, live: Int = 10, fds: Int = 5, threads: Int = 3, rss: Int = 1 << 20) -> Sample {
        Sample(t: 0, phase: .settle, iteration: 1, allocated: allocated, mallocs: 100 + live, frees: 100, rss: rss, fds: fds, threads: threads)
    }

    /// Feeds samples one poll apart; returns the elapsed ms at which the watch said settled.
    func settledAt(_ samples: (Int) -> Sample, maximum: Int) -> Double {
        var watch = SettleWatch(maximumMillis: maximum)
        var elapsed = 0.0
        for index in 0..<10_000 {
            elapsed += Double(watch.pollMillis)
            if watch.isSettled(after: samples(index), elapsedMillis: elapsed) { return elapsed }
        }
        return .infinity
    }

    @Test func aStillHeapEndsSettleAtTheMinimum() {
        let end = settledAt({ _ in sample(allocated: 1_000) }, maximum: 300)
        #expect(end >= Double(SettleWatch.minimumMillis))
        #expect(end < 40)
    }

    @Test func aHeapThatKeepsChangingRunsToTheMaximum() {
        #expect(settledAt({ sample(allocated: 100_000 - 8_192 * $0) }, maximum: 300) >= 300)
    }

    @Test func theHostsOwnTimerNoiseIsStill() {
        // A settle Task.sleep's timer entry comes and goes: ±1.4 KiB, a couple of objects.
        let end = settledAt({ sample(allocated: 865_360 + ($0 % 2) * 1_440 + 64 * $0, live: 10 + $0 % 2) }, maximum: 300)
        #expect(end < 40)
    }

    @Test func aLateReleaseRestartsTheCountAndIsSeen() {
        // Still for 6 polls (30 ms), then a timer frees something; then still again.
        let end = settledAt({ $0 < 6 ? sample(allocated: 50_000) : sample(allocated: 1_000) }, maximum: 300)
        #expect(end > 30 + Double(SettleWatch.stablePolls * SettleWatch.defaultPollMillis) - 1)
    }

    @Test(arguments: [
        { (i: Int) in SettleWatchTests().sample(allocated: 1_000, fds: 5 + i) },
        { (i: Int) in SettleWatchTests().sample(allocated: 1_000, threads: 3 + i) },
        { (i: Int) in SettleWatchTests().sample(allocated: 1_000, live: 10 + 20 * i) },
    ])
    func resourcesAndObjectCountsCountAsChange(_ samples: @Sendable (Int) -> Sample) {
        #expect(settledAt(samples, maximum: 200) >= 200)
    }

    @Test func rssCountsOnlyWithoutAnAllocatorFigure() {
        let drifting = { (i: Int) in Sample(t: 0, phase: .settle, iteration: 1, allocated: 1_000, rss: 1 << 20 + 131_072 * i) }
        #expect(settledAt(drifting, maximum: 300) < 40)
        let rssOnly = { (i: Int) in Sample(t: 0, phase: .settle, iteration: 1, rss: 1 << 20 + 131_072 * i) }
        #expect(settledAt(rssOnly, maximum: 300) >= 300)
    }

    @Test func aShortMaximumIsAlsoTheMinimum() {
        #expect(settledAt({ _ in sample(allocated: 1) }, maximum: 8) >= 8)
        #expect(settledAt({ _ in sample(allocated: 1) }, maximum: 8) < 12)
    }
}
