import Foundation
import LeakLabRunner
import Testing

/// The `tasks` metric and the task census on real children running real plugins.
@Suite struct TaskCensusTests {
    /// Runs `leaklab run <target> --json` with `extra` arguments and returns the record.
    static func record(_ target: String, _ extra: [String] = []) throws -> (record: [String: Any], stdout: String) {
        let output = CLI.temporaryFile("tasks.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run(["run", target, "--iterations", "600", "--json", output, "--quiet"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        return (record, result.stdout)
    }

    static func tasks(_ record: [String: Any], phase: String) throws -> [Int] {
        let samples = try #require(record["samples"] as? [[String: Any]])
        return samples.filter { $0["phase"] as? String == phase }.compactMap { $0["tasks"] as? Int }
    }

    @Test(arguments: ["jemalloc", "glibc"])
    func aContinuationNeverResumedLeavesExactlyOneSuspendedTaskPerIterationWaitingInItsOwnClosure(allocator: String) throws {
        let (record, _) = try Self.record("blocked-tasks/continuation-never-resumed", ["--allocator", allocator])
        let samples = try #require(record["samples"] as? [[String: Any]])
        #expect(samples.allSatisfy { ($0["tasks"] as? Int).map { $0 >= 1 } ?? true }, "a count is never 0")
        // Every phase boundary carries the count; between them a scan may be skipped on a slow
        // machine, and settle samples count within the task probe's budget but the last always does.
        for phase in ["setUp", "tearDown"] {
            #expect(samples.filter { $0["phase"] as? String == phase }.allSatisfy { $0["tasks"] != nil }, "\(phase)")
        }
        for phase in ["warmUp", "workload", "settle"] {
            #expect(samples.last { $0["phase"] as? String == phase }?["tasks"] != nil, "last \(phase) sample")
        }
        #expect(samples.filter { $0["tasks"] != nil }.count >= 10)
        let growth = try #require(record["growth"] as? [String: Any])
        #expect(growth["tasks"] as? Double == 1.0, "tasks per iteration: \(growth["tasks"] ?? "absent")")

        let start = try #require(try Self.tasks(record, phase: "setUp").first)
        let kept = try #require(try Self.tasks(record, phase: "settle").last)
        let census = try #require(record["census"] as? [String: Any])
        #expect(census["tasks"] as? Int == kept)
        let groups = try #require(census["groups"] as? [[String: Any]])
        let suspended = groups.filter { $0["state"] as? String == "suspended" }
        #expect(suspended.count == 1, "one group of suspended tasks: \(groups)")
        let group = try #require(suspended.first)
        #expect(group["count"] as? Int == kept - start, "the group holds every task left behind")
        #expect((group["waitsIn"] as? String)?.contains("ContinuationNeverResumed.iteration") == true, "\(group)")
        #expect((group["creator"] as? String)?.contains("ContinuationNeverResumed.iteration") == true, "\(group)")
        let frames = try #require(group["frames"] as? [[String: Any]])
        #expect(frames.contains { ($0["function"] as? String)?.contains("ContinuationNeverResumed") == true })
    }

    @Test func theFixedVariantLeavesNoTask() throws {
        let (record, _) = try Self.record("blocked-tasks/continuation-resumed")
        let growth = try #require(record["growth"] as? [String: Any])
        #expect(growth["tasks"] as? Double == 0.0)
        let census = try #require(record["census"] as? [String: Any])
        let groups = try #require(census["groups"] as? [[String: Any]])
        #expect(!groups.contains { $0["state"] as? String == "suspended" }, "\(groups)")
    }

    @Test func tasksPerIterationFollowTheParameterAndSleepingLoopsCountTwice() throws {
        let three = try Self.record("blocked-tasks/continuation-never-resumed", ["--param", "tasks-per-iteration=3"]).record
        #expect((three["growth"] as? [String: Any])?["tasks"] as? Double == 3.0)
        // A loop in Task.sleep is two tasks: the loop and the wake-up task the sleep started. A
        // loop between its wake-up and its next sleep has none, so a count taken while many wake
        // reads a little low; between phase boundaries only a few samples count (TaskProbe).
        let loops = try Self.record("blocked-tasks/loop-never-cancelled").record
        let rate = try #require((loops["growth"] as? [String: Any])?["tasks"] as? Double)
        #expect(abs(rate - 2.0) <= 0.3, "\(rate) tasks per iteration")
    }

    @Test func runTasksShowsEveryGroupWithItsFramesAndTheDetectorsJudgeByTasks() throws {
        let (record, stdout) = try Self.record("blocked-tasks/loop-never-cancelled", ["--tasks"])
        #expect(stdout.contains("tasks at end of settle"))
        #expect(stdout.contains("waits in closure #1 () async -> () in BlockedTasks.LoopNeverCancelled.iteration"))
        #expect(stdout.contains("[libswift_Concurrency.so]"), "frames with their modules")
        let verdicts = try #require(record["verdicts"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: verdicts.compactMap { v in (v["detector"] as? String).map { ($0, v) } })
        #expect(byName["task-leak"]?["leak"] as? Bool == true)
        #expect((byName["task-leak"]?["note"] as? String)?.contains("LoopNeverCancelled") == true)
        #expect(byName["resources"]?["leak"] as? Bool == true)
    }

    @Test func aDecoyThatReleasesItsWaitersAtSettleIsNoTaskLeak() throws {
        let (record, _) = try Self.record("blocked-tasks/parked-until-settle")
        let verdicts = try #require(record["verdicts"] as? [[String: Any]])
        #expect(verdicts.first { $0["detector"] as? String == "task-leak" }?["leak"] as? Bool == false)
        #expect(verdicts.first { $0["detector"] as? String == "resources" }?["leak"] as? Bool == false)
    }
}

/// A census costs what Scripts/bench says and changes nothing the run measures.
@Suite struct TaskCensusCostTests {
    @Test func aCensusFindsEveryParkedTaskAndLeavesTheAllocatorsCountsAsTheyWere() throws {
        let library = try #require(try AllocatorLibrary.locate(.jemalloc))
        let probe = "\(Paths.executableDirectory)/leaklab-bench-probe"
        // tcache off: jemalloc's counts are exact, so a single allocation would show.
        let result = ProcessRunner.run(probe, ["census", "2000"], environment: ["LD_PRELOAD": library, "MALLOC_CONF": "tcache:false"])
        #expect(result.status == 0, "\(result.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double])
        #expect(figures["tasksFound"] == 2_000)
        #expect(figures["tasksGrouped"] == 2_000)
        #expect(figures["censusAllocations"] == 0, "mallocs across a census: \(figures)")
        #expect(figures["censusAllocatedBytes"] == 0, "allocated bytes across a census: \(figures)")
        #expect((figures["censusMillis"] ?? .infinity) < 1_000)
    }
}
