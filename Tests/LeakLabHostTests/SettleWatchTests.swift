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
        // Still for 2 polls (10 ms), then a timer frees something; then still again: settle lasts
        // until 3 polls after the release, and its last sample shows it.
        var last = 0
        let end = settledAt(
            {
                last = $0
                return $0 < 2 ? sample(allocated: 50_000) : sample(allocated: 1_000)
            }, maximum: 300)
        #expect(end >= 10 + Double(SettleWatch.stablePolls * SettleWatch.defaultPollMillis))
        #expect(last >= 2)
    }

    @Test func resourcesAndObjectCountsCountAsChange() {
        #expect(settledAt({ sample(allocated: 1_000, fds: 5 + $0) }, maximum: 200) >= 200)
        #expect(settledAt({ sample(allocated: 1_000, threads: 3 + $0) }, maximum: 200) >= 200)
        #expect(settledAt({ sample(allocated: 1_000, live: 10 + 20 * $0) }, maximum: 200) >= 200)
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
