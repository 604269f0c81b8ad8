import Foundation
import Glibc
import LeakLabKit
import LeakLabModel
import LeakLabRunner
import Testing

/// Real children under real allocators, running the real plugin.
@Suite struct ChildRunTests {
    @Test func aLeakyVariantGrowsByItsDeclaredBytesPerIterationUnderJemalloc() throws {
        let record = try Built.runner.run(try Built.plan("blocked-tasks", "continuation-never-resumed"))
        #expect(record.outcome == .completed, "\(record.outcomeDetail ?? "")")
        #expect(record.allocator.active == .jemalloc)
        let growth = try #require(record.growth)
        let bytes = try #require(growth.bytes)
        let truth = record.truth
        #expect(
            abs(bytes - truth.perIteration.bytes) <= truth.tolerance.bytes,
            "measured \(bytes) B/iteration, declared \(truth.perIteration.bytes) ± \(truth.tolerance.bytes)")
        let sample = try #require(record.samples.first { $0.phase == .workload })
        #expect(sample.allocated != nil && sample.resident != nil && sample.fds != nil && sample.threads != nil)
        #expect(record.samples.count >= 50, "enough samples to see a curve")
        #expect(Set(record.samples.map(\.phase)) == Set(Phase.allCases))
    }

    @Test func itsFixedVariantGrowsByNearlyNothing() throws {
        // Long enough that the runtime's bounded warm-up (up to ~60 KiB of caches when the
        // machine is busy) cannot pass for growth.
        let record = try Built.runner.run(try Built.plan("blocked-tasks", "continuation-resumed", iterations: 6_000, warmUp: 1_000))
        #expect(record.outcome == .completed, "\(record.outcomeDetail ?? "")")
        let bytes = try #require(record.growth?.bytes)
        #expect(abs(bytes) <= Leakage.noise.bytes, "fixed variant grew \(bytes) B/iteration")
    }

    @Test func underGlibcTheChildSaysGlibcAndLeavesOutJemallocMetrics() throws {
        let record = try Built.runner.run(try Built.plan("blocked-tasks", "continuation-never-resumed", allocator: .glibc, iterations: 300))
        #expect(record.outcome == .completed)
        #expect(record.allocator.active == .glibc)
        #expect(record.unavailableMetrics.contains(.resident))
        #expect(record.samples.allSatisfy { $0.resident == nil && $0.mapped == nil && $0.retained == nil })
        #expect(record.samples.allSatisfy { $0.allocated != nil && $0.rss != nil })
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        #expect(!json.contains("\"resident\":"), "absent metrics are left out of JSON, not written as 0")
    }

    @Test(arguments: [AllocatorName.mimalloc, .tcmalloc])
    func otherAllocatorsAreVerifiedActive(_ allocator: AllocatorName) throws {
        try #require(AllocatorLibrary.isAvailable(allocator), "Scripts/setup installs \(allocator)")
        let record = try Built.runner.run(try Built.plan("blocked-tasks", "continuation-never-resumed", allocator: allocator, iterations: 300))
        #expect(record.outcome == .completed)
        #expect(record.allocator.active == allocator)
        #expect(record.allocator.library?.contains(allocator.rawValue) == true)
    }

    @Test func aChildKilledMidRunLeavesItsSamplesAndACrashedOutcome() throws {
        var seen = 0
        var pid: Int32 = 0
        let plan = try Built.plan("blocked-tasks", "continuation-never-resumed", iterations: 200_000)
        let record = try Built.runner.run(plan) { event in
            switch event {
            case .started(let child): pid = child
            case .sample:
                seen += 1
                if seen == 20 { kill(pid, SIGKILL) }
            case .allocator: break
            }
        }
        #expect(record.outcome == .crashed)
        #expect(record.outcomeDetail?.contains("signal 9") == true)
        #expect(record.samples.count >= 20)
    }

    @Test func aChildOverItsWallTimeIsTimedOutWithItsSamples() throws {
        let budgets = Budgets(memoryBytes: 2 << 30, openFiles: 4_096, wallSeconds: 1)
        let plan = try Built.plan("blocked-tasks", "continuation-resumed", iterations: 50_000_000, budgets: budgets)
        let record = try Built.runner.run(plan)
        #expect(record.outcome == .timedOut)
        #expect(record.wallSeconds < 5)
        #expect(!record.samples.isEmpty)
    }

    /// The runner closes every descriptor it opens for a child (its channel, its output pipe, the
    /// sample ring, the /proc and cgroup files the watchdog reads), whether the child completes or
    /// is killed. A leak of one per run would show as 20 or more; other tests running meanwhile
    /// hold a few.
    @Test func runsLeaveNoDescriptorOpenInTheRunner() throws {
        func openDescriptors() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count }
        let hurried = Budgets(memoryBytes: 2 << 30, openFiles: 4_096, wallSeconds: 0.5)
        let before = try openDescriptors()
        for round in 0..<20 {
            let timesOut = round % 4 == 3
            let plan = try Built.plan(
                "blocked-tasks", "continuation-resumed", iterations: timesOut ? 50_000_000 : 100, warmUp: 10,
                budgets: timesOut ? hurried : .default)
            let record = try Built.runner.run(plan)
            #expect(record.outcome == (timesOut ? .timedOut : .completed), "\(record.outcomeDetail ?? "")")
        }
        let after = try openDescriptors()
        #expect(after - before < 15, "\(before) descriptors open before 20 runs, \(after) after")
    }

    @Test func aChildOverItsMemoryBudgetIsStopped() throws {
        let budgets = Budgets(memoryBytes: 48 << 20, openFiles: 4_096, wallSeconds: 60)
        let plan = try Built.plan("blocked-tasks", "continuation-never-resumed", iterations: 5_000_000, budgets: budgets)
        let record = try Built.runner.run(plan)
        #expect(record.outcome == .budgetExceeded)
        #expect(record.outcomeDetail?.contains("memory") == true)
        let lastRSS = try #require(record.samples.last?.rss)
        #expect(lastRSS <= budgets.memoryBytes + (16 << 20), "stopped within a small margin of its budget")
    }

    @Test func aBadParameterIsAUsageErrorBeforeAnyChildStarts() throws {
        var plan = try Built.plan("blocked-tasks", "continuation-resumed")
        plan.parameterOverrides = ["tasks-per-iteration": "lots"]
        #expect(throws: RunnerError.usage("blocked-tasks: parameter 'tasks-per-iteration': 'lots' is not an integer")) {
            _ = try Built.runner.run(plan)
        }
        plan.parameterOverrides = ["no-such": "1"]
        #expect(throws: RunnerError.self) { _ = try Built.runner.run(plan) }
    }
}
