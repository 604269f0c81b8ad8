import Foundation
import Glibc
import LeakLabModel
import Synchronization

/// Keeps the kernel ready to move a child into its run's cgroups without waiting.
///
/// Moving a process into a cgroup takes the kernel's `cgroup_threadgroup_rwsem` for writing.
/// When nothing has moved for a while, taking it first waits for an RCU grace period (rcu_sync;
/// 5–17 ms measured on a 2-core VM), and the child waits with it before it may load plugin code
/// (``RunCgroup/admit(_:)``, `ResourceLimits`): on the order of a tenth of a short run. Within a
/// grace period of the last move, a move does not wait. So while runs are starting, a thread
/// moves the runner into the cgroup it is already in every ``intervalMicros``: a move that
/// changes nothing but keeps the lock ready. The cgroup mount option `favordynmods` (Linux 6.0+)
/// does the same for the whole machine, for good.
///
/// The thread writes only to a `cgroup.procs` that lists the runner when the thread starts, so
/// it moves the runner nowhere new; a machine without run cgroups never starts it. Each write
/// takes the lock for writing, which holds up every fork, clone and exit on the machine for a few
/// microseconds: during a matrix (each run re-arms the 1 s) the thread runs throughout, and a
/// child's thread creation may wait that long now and then.
public enum RunCgroupMoveLock {
    /// How often the thread moves the runner: well within the shortest grace period measured.
    static let intervalMicros: useconds_t = 2_000

    private struct State {
        /// The thread stops once the monotonic clock passes this.
        var until = -Double.infinity
        var running = false
    }

    private static let state = Mutex(State())

    /// Keeps the lock ready for the next `seconds` (or longer, if a caller asked for longer).
    /// Call it where runs are about to start: before a command loads its plugins (the first
    /// child's move then finds the lock ready) and at the start of each run.
    public static func keepReady(forSeconds seconds: Double) {
        guard case .available(let layout) = RunCgroupSupport.support, let procs = ownGroupProcs(layout) else { return }
        let me = getpid()
        let start = state.withLock { state -> Bool in
            state.until = max(state.until, MonotonicClock.now() + seconds)
            guard !state.running else { return false }
            state.running = true
            return true
        }
        guard start else { return }
        Thread.detachNewThread {
            // Only into the group the runner is in (it may have been moved since, or the path
            // may name another group, as a v2 path from another cgroup namespace would): a write
            // there would move it. Checked again every 100 writes.
            var writes = 0
            while state.withLock({ state -> Bool in
                state.running = MonotonicClock.now() < state.until
                return state.running
            }) {
                if writes % 100 == 0, !RunCgroup.pids(inProcsFile: procs).contains(me) {
                    state.withLock { $0.running = false }
                    return
                }
                _ = RunCgroup.write("\(me)", to: procs)
                writes += 1
                usleep(intervalMicros)
            }
        }
    }

    /// The `cgroup.procs` of the group the runner is in: the memory group run groups are made
    /// under (v1), or the runner's own group in the unified hierarchy (v2, `0::/path` in
    /// /proc/self/cgroup).
    static func ownGroupProcs(_ layout: RunCgroupSupport.Layout) -> String? {
        switch layout.kind {
        case .v1:
            return "\(layout.memoryParent)/cgroup.procs"
        case .v2:
            guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
            else { return nil }
            let path = line.dropFirst(3)
            return "\(RunCgroupSupport.v2Root)\(path == "/" ? "" : path)/cgroup.procs"
        }
    }
}
