import LeakLabDetectors
import LeakLabModel
import Testing

/// `task-leak` on synthetic traces: what it needs, what it names, and the census's role.
@Suite struct TaskLeakDetectorTests {
    @Test func namesWhereTheSuspendedTasksWaitAndTheirRate() {
        let verdict = TaskLeakDetector().evaluate(TraceBuilder.tasksLeak().build())
        #expect(verdict.leak == true)
        #expect(verdict.note?.contains("closure #1 in Synthetic.iteration()") == true, "\(verdict.note ?? "")")
        #expect(verdict.note?.contains("2000 suspended") == true, "\(verdict.note ?? "")")
        #expect(abs((verdict.resourceRates?["tasks"] ?? 0) - 1) < 0.001)
        #expect(verdict.firstIteration != nil)
    }

    @Test func failsInsteadOfSayingNoLeakWithoutTheTasksMetric() {
        let verdict = TaskLeakDetector().evaluate(TraceBuilder.linearLeak().build())
        #expect(verdict.leak == nil)
        #expect(verdict.failure?.contains("metric unavailable") == true)
    }

    @Test func failsOnARunThatEndedBeforeSettle() {
        var trace = TraceBuilder.tasksLeak().build()
        trace.samples = trace.samples.filter { $0.phase <= .workload }
        let verdict = TaskLeakDetector().evaluate(trace)
        #expect(verdict.leak == nil)
    }

    @Test func withoutACensusTheCountsAloneDecideWithLessConfidence() {
        var trace = TraceBuilder.tasksBusy().build()
        trace.census = nil
        let verdict = TaskLeakDetector().evaluate(trace)
        #expect(verdict.leak == true)
        #expect((verdict.confidence ?? 1) < 0.9)
        #expect(verdict.note?.contains("state unknown") == true || verdict.note?.contains("unknown") == true)
    }

    @Test func aPrefixOfTheTraceDoesNotSeeTheCensusTakenAfterSettle() {
        let trace = TraceBuilder.tasksLeak().build()
        #expect(trace.census != nil)
        #expect(trace.prefix(through: trace.samples.count - 2).census == nil)
        #expect(trace.prefix(through: trace.samples.count - 1).census != nil)
    }

    @Test func aFewTasksLeftIsAOneOff() {
        var builder = TraceBuilder.tasksLeak()
        builder.tasks = { min($0, 2) }
        #expect(TaskLeakDetector().evaluate(builder.build()).leak == false)
    }
}
