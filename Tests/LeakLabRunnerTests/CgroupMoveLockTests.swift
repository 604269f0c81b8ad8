import Foundation
import LeakLabRunner
import Testing

/// The thread that keeps the cgroup move lock ready moves the runner into the group it is
/// already in: it must never move the runner anywhere else.
@Suite struct CgroupMoveLockTests {
    @Test func keepingTheLockReadyLeavesTheRunnerInItsOwnGroups() throws {
        guard case .available = RunCgroupSupport.support else { return }  // no run cgroups here: no thread
        let before = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
        RunCgroupMoveLock.keepReady(forSeconds: 0.1)
        Thread.sleep(forTimeInterval: 0.05)  // the thread has moved the runner ~25 times by now
        #expect(try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) == before)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) == before)
    }
}
