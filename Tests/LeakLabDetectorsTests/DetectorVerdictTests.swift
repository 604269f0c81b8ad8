import LeakLabDetectors
import LeakLabModel
import Testing

/// The expected verdict of every built-in on every synthetic shape: right where the detector is
/// meant to be right, and wrong exactly where its summary says it fails.
@Suite struct DetectorVerdictTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var shape: String
        var builder: TraceBuilder
        /// detector name → expected `leak` (`nil` = the detector fails).
        var expected: [String: Bool?]
        var testDescription: String { shape }
    }

    static let cases: [Case] = [
        Case(
            shape: "linear leak 1.3 KB/it", builder: .linearLeak(),
            expected: [
                "thresholds": true, "trend": true, "settle": true, "resources": false, "rss": true, "resident-delta": true,
                "channels": true, "allocation-counter": true, "task-leak": nil,
            ]),
        Case(
            shape: "small leak 48 B/it", builder: .linearLeak(bytes: 48),
            expected: [
                // thresholds fires on objects (1 per item); rss misses it (under 1% of RSS).
                "thresholds": true, "trend": true, "settle": true, "resources": false, "rss": false, "resident-delta": true,
                "channels": true, "allocation-counter": true, "task-leak": nil,
            ]),
        Case(
            shape: "flat with noise", builder: .flat(),
            expected: [
                "thresholds": false, "trend": false, "settle": false, "resources": false, "rss": false, "resident-delta": false,
                "channels": false, "allocation-counter": false, "task-leak": nil,
            ]),
        Case(
            shape: "plateau decoy", builder: .plateau(),
            expected: [
                // A cache that keeps 600 KB: settle and resident-delta call it a leak; thresholds
                // fires on object growth (600 objects > 20% of 2,000 items).
                // allocation-counter counts the 600 objects the cache keeps.
                "thresholds": true, "trend": false, "settle": true, "resources": false, "rss": false, "resident-delta": true,
                "channels": false, "allocation-counter": true, "task-leak": nil,
            ]),
        Case(
            shape: "falls back in settle", builder: .fallBack(),
            expected: [
                // Heap growth 1.5 KB/item fires thresholds; RSS and resident keep their pages.
                "thresholds": true, "trend": false, "settle": false, "resources": false, "rss": true, "resident-delta": true,
                "channels": false, "allocation-counter": false, "task-leak": nil,
            ]),
        Case(
            shape: "fds-only leak", builder: .fdsLeak(),
            expected: [
                // A steady +1 fd per iteration: thresholds' fd growth and settle's fds left (issue 16).
                "thresholds": true, "trend": true, "settle": true, "resources": true, "rss": false, "resident-delta": false,
                "channels": true, "allocation-counter": false, "task-leak": nil,
            ]),
        Case(
            shape: "threads-only leak", builder: .threadsLeak(),
            expected: [
                "thresholds": true, "trend": true, "settle": true, "resources": true, "rss": false, "resident-delta": false,
                "channels": true, "allocation-counter": false, "task-leak": nil,
            ]),
        Case(
            shape: "thread pool decoy", builder: .threadPool(),
            expected: [
                // 3 more threads is "thread growth above 2"; resources sees 0.03 per iteration: a one-off.
                "thresholds": true, "trend": false, "settle": false, "resources": false, "rss": false, "resident-delta": false,
                "channels": false, "allocation-counter": false, "task-leak": nil,
            ]),
        Case(
            shape: "glibc leak (no resident)", builder: .glibcLeak(),
            expected: [
                "thresholds": true, "trend": true, "settle": true, "resources": false, "rss": true, "resident-delta": nil,
                "channels": true, "allocation-counter": nil, "task-leak": nil,
            ]),
        Case(
            shape: "sawtooth stopped near a tooth's top (1,899 it.)", builder: .sawtooth(),
            expected: [
                // The faults of issue 16: thresholds, settle and resident-delta take the last tooth
                // for a leak; channels judges the troughs. trend sees no persistent rise.
                "thresholds": true, "trend": false, "settle": true, "resources": false, "rss": false, "resident-delta": true,
                "channels": false, "allocation-counter": true, "task-leak": nil,
            ]),
        Case(
            shape: "mmap leak 16 KiB/it (heap flat)", builder: .mappedLeak(),
            expected: [
                // Only RSS moves: the heap-based detectors are blind; channels watches RSS − resident.
                "thresholds": false, "trend": false, "settle": false, "resources": false, "rss": true, "resident-delta": false,
                "channels": true, "allocation-counter": false, "task-leak": nil,
            ]),
        Case(
            shape: "leak from 60 % of the workload", builder: .onsetLeak(),
            expected: [
                "thresholds": true, "trend": true, "settle": true, "resources": false, "rss": false, "resident-delta": true,
                "channels": true, "allocation-counter": true, "task-leak": nil,
            ]),
        Case(
            shape: "a suspended task left per iteration", builder: .tasksLeak(),
            expected: [
                "thresholds": true, "trend": true, "settle": true, "resources": true, "rss": true, "resident-delta": true,
                "task-leak": true,
            ]),
        Case(
            shape: "tasks parked until settle", builder: .tasksParkedUntilSettle(),
            expected: [
                // Task growth above 2 during the load is the thresholds rule's; settle shows them gone.
                "thresholds": true, "trend": false, "settle": false, "resources": false, "rss": true, "resident-delta": true,
                "task-leak": false,
            ]),
        Case(
            shape: "tasks left runnable, not waiting", builder: .tasksBusy(),
            expected: [
                "thresholds": true, "trend": true, "settle": true, "resources": true, "rss": true, "resident-delta": true,
                "task-leak": false,
            ]),
        Case(
            shape: "tasks counted, none kept", builder: .tasksFlat(),
            expected: [
                "thresholds": false, "trend": false, "settle": false, "resources": false, "rss": false, "resident-delta": false,
                "task-leak": false,
            ]),
    ]

    @Test("each built-in gives its expected verdict", arguments: cases)
    func builtInVerdicts(_ testCase: Case) {
        let trace = testCase.builder.build()
        for detector in DetectorRegistry.builtIns {
            let verdict = detector.evaluate(trace)
            // Shapes written before a detector existed leave it out (the task shapes predate
            // channels and allocation-counter): only the expectations given are checked.
            guard let expected = testCase.expected[detector.name] else { continue }
            #expect(verdict.leak == expected, "\(detector.name) on \(testCase.shape): \(verdict.note ?? verdict.failure ?? "")")
            #expect(verdict.detector == detector.name)
            if verdict.leak == true {
                #expect(verdict.firstIteration != nil, "\(detector.name) says leak without firstIteration")
            } else {
                #expect(verdict.firstIteration == nil)
            }
            if let confidence = verdict.confidence { #expect((0...1).contains(confidence)) }
        }
    }

    @Test func residentDeltaFailsWithMetricUnavailableInsteadOfReportingZero() {
        let verdict = ResidentDeltaDetector().evaluate(TraceBuilder.glibcLeak().build())
        #expect(verdict.leak == nil)
        #expect(verdict.failure?.contains("metric unavailable") == true)
        #expect(verdict.ratePerIteration == nil)
    }

    @Test(arguments: [0, 1])
    func noBuiltInCrashesOnATraceOfAtMostOneSample(count: Int) {
        var trace = TraceBuilder.linearLeak().build()
        trace.samples = Array(trace.samples.prefix(count))
        for detector in DetectorRegistry.builtIns {
            let verdict = detector.evaluate(trace)
            #expect(verdict.leak != true, "\(detector.name)")
            #expect(verdict.leak == nil && verdict.failure != nil, "\(detector.name) should fail, not judge")
        }
    }

    @Test func builtInsJudgeATraceCutOffInTheWorkloadWithoutSettle() {
        var trace = TraceBuilder.linearLeak().build()
        trace.samples = Array(trace.samples.prefix { $0.phase <= .workload })
        trace.outcome = .budgetExceeded
        #expect(TrendDetector().evaluate(trace).leak == true)
        let settle = SettleDetector().evaluate(trace)
        #expect(settle.leak == nil)
        #expect(settle.failure?.contains("budget-exceeded") == true)
    }

    @Test func trendNeverCallsWanderingChurnALeakAcrossSeeds() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let verdict = TrendDetector().evaluate(TraceBuilder.churn(seed: seed).build())
            #expect(verdict.leak == false, "seed \(seed): \(verdict.note ?? "")")
        }
    }

    @Test func trendFindsA48ByteLeakAcrossSeeds() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let verdict = TrendDetector().evaluate(TraceBuilder.linearLeak(bytes: 48, seed: seed).build())
            #expect(verdict.leak == true, "seed \(seed): \(verdict.note ?? "")")
        }
    }

    @Test func trendEstimatesTheLeakRateWithinFivePercent() throws {
        let verdict = TrendDetector().evaluate(TraceBuilder.linearLeak(bytes: 1_300).build())
        let rate = try #require(verdict.ratePerIteration)
        #expect(abs(rate - 1_300) / 1_300 < 0.05)
    }

    @Test func trendReportsResourceRatesForAnFdLeak() throws {
        let verdict = TrendDetector().evaluate(TraceBuilder.fdsLeak().build())
        let fds = try #require(verdict.resourceRates?["fds"])
        #expect(abs(fds - 1) < 0.01)
        #expect(abs(verdict.resourceRates?["threads"] ?? 1) < 0.01)
    }

    @Test func trendSaysLeakEarlyInTheWorkload() throws {
        let trace = TraceBuilder.linearLeak().build()
        let first = try #require(TrendDetector().evaluate(trace).firstIteration)
        #expect(first > trace.warmUpIterations)
        #expect(first < trace.warmUpIterations + trace.workloadIterations / 4)
    }

    @Test func settleSaysLeakOnlyOnceTheWorkloadHasStopped() throws {
        let trace = TraceBuilder.linearLeak().build()
        let first = try #require(SettleDetector().evaluate(trace).firstIteration)
        #expect(first == trace.warmUpIterations + trace.workloadIterations)
    }

    @Test func rssSaysLeakWhenGrowthFirstPassesTenPercent() throws {
        let trace = TraceBuilder.linearLeak().build()
        let first = try #require(RSSDetector().evaluate(trace).firstIteration)
        // RSS starts near 14.2 MB: 10% is ~1.42 MB, 1,092 iterations of 1.3 KB.
        let expected = trace.warmUpIterations + 1_092
        #expect(abs(first - expected) <= 2 * trace.sampleEvery, "first \(first), expected about \(expected)")
    }

    @Test func channelsNeverCallsWanderingChurnALeakAcrossSeeds() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let verdict = ChannelsDetector().evaluate(TraceBuilder.churn(seed: seed).build())
            #expect(verdict.leak == false, "seed \(seed): \(verdict.note ?? "")")
        }
    }

    @Test func channelsFindsAnEightByteLeakAcrossSeedsAndSaysWhichChannelDecided() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let verdict = ChannelsDetector().evaluate(TraceBuilder.linearLeak(bytes: 8, seed: seed).build())
            #expect(verdict.leak == true, "seed \(seed): \(verdict.note ?? "")")
            #expect(verdict.note?.hasPrefix("decided by: liveObjects") == true, "\(verdict.note ?? "")")
        }
    }

    @Test func channelsJudgesASawtoothByItsTroughsOnEveryTooth() {
        for workload in [1_499, 1_650, 1_899, 2_000] {
            let verdict = ChannelsDetector().evaluate(TraceBuilder.sawtooth(workload: workload).build())
            #expect(verdict.leak == false, "\(workload) it.: \(verdict.note ?? "")")
        }
        // A leak under the sawtooth: the troughs rise by 100 B per iteration.
        var leaky = TraceBuilder.sawtooth()
        leaky.heap = { Double($0 % 500) * 1_000 + Double($0) * 100 }
        leaky.objects = { Double($0 % 500) + Double($0) / 10 }
        let verdict = ChannelsDetector().evaluate(leaky.build())
        #expect(verdict.leak == true, "\(verdict.note ?? "")")
    }

    @Test func channelsSaysLeakWithinAHundredIterationsOnA256ByteLeak() throws {
        let trace = TraceBuilder.linearLeak(bytes: 256).build()
        let first = try #require(ChannelsDetector().evaluate(trace).firstIteration)
        #expect(first - trace.warmUpIterations <= 100)
    }

    @Test func channelsReportsTheMappedRateFromResidentMemory() throws {
        let verdict = ChannelsDetector().evaluate(TraceBuilder.mappedLeak().build())
        let rate = try #require(verdict.ratePerIteration)
        #expect(abs(rate - 16_384) / 16_384 < 0.05, "\(rate)")
        #expect(verdict.note?.contains("decided by: nonHeap") == true)
    }

    @Test func trendSaysWhichRuleDecidedOnASmallLinearLeak() {
        var builder = TraceBuilder.linearLeak(bytes: 64)
        builder.workload = 200
        builder.every = 2
        builder.noise = 0
        let verdict = TrendDetector().evaluate(builder.build())
        #expect(verdict.leak == false)
        #expect(verdict.note?.contains("under the fixed minimum") == true, "\(verdict.note ?? "")")
    }

    @Test func thresholdsNamesTheCriteriaItCannotEvaluateUnderGlibc() {
        let verdict = ThresholdsDetector().evaluate(TraceBuilder.glibcLeak().build())
        #expect(verdict.note?.contains("not measurable: unreleased objects, free rate, object growth") == true)
    }
}
