import LeakLabDetectors
import LeakLabModel
import Testing

@Suite struct OnlineEvaluationTests {
    @Test(arguments: [101, 1_234, 1_999, 2_100])
    func findsTheFirstSampleWhosePrefixSaysLeak(threshold: Int) throws {
        let trace = TraceBuilder.flat().build()
        var calls = 0
        let first = OnlineEvaluation.firstLeakIteration(in: trace) { prefix in
            calls += 1
            return prefix.samples.last!.iteration >= threshold
        }
        let expected = try #require(trace.samples.first { $0.phase >= .workload && $0.iteration >= threshold }?.iteration)
        #expect(first == expected)
        #expect(calls <= 60, "\(calls) evaluations for \(trace.samples.count) samples")
    }

    @Test func returnsNilWhenNoPrefixSaysLeak() {
        let trace = TraceBuilder.flat().build()
        #expect(OnlineEvaluation.firstLeakIteration(in: trace) { _ in false } == nil)
    }

    @Test func neverReportsAnIterationBeforeTheWorkload() {
        let trace = TraceBuilder.flat().build()
        let first = OnlineEvaluation.firstLeakIteration(in: trace) { _ in true }
        #expect(first == trace.samples.first { $0.phase == .workload }?.iteration)
    }

    @Test func prefixKeepsTheSamplesUpToAndIncludingTheIndex() {
        let trace = TraceBuilder.flat().build()
        #expect(trace.prefix(through: 4).samples == Array(trace.samples.prefix(5)))
        #expect(trace.prefix(through: -1).samples.isEmpty)
    }
}
