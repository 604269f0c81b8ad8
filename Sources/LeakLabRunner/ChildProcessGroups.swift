import Foundation
import Glibc
import Synchronization

/// Every child this process is running, with its process group, its run's cgroups and its run
/// token, so an interrupted command (SIGINT, SIGTERM, SIGHUP) can kill them all, and everything
/// they started, before it exits.
public enum ChildProcessGroups {
    private static let state = Mutex(State())

    /// Kills every running child's group and whatever is in its run's cgroups (or carries its run
    /// token), and every child spawned from now on as soon as it is spawned. Returns how many
    /// children it killed. For a command that is about to exit.
    @discardableResult
    public static func killAllAndClose() -> Int {
        state.withLock { state in
            state.closed = true
            for pid in state.running.keys { kill(-pid, SIGKILL) }
            for (_, run) in state.running {
                if let cgroup = run.cgroup { _ = cgroup.killAll() } else { _ = LeftoverProcesses.killAll(token: run.token) }
            }
            return state.running.count
        }
    }

    /// Runs `spawn` (which returns the new child's pid, or nil) and records the child, under the
    /// lock `killAllAndClose` takes: no child can start unseen while the command exits.
    static func spawning(cgroup: RunCgroup?, token: String, _ spawn: () -> pid_t?) -> pid_t? {
        state.withLock { state in
            guard let pid = spawn() else { return nil }
            if state.closed { kill(-pid, SIGKILL) }
            state.running[pid] = Run(cgroup: cgroup, token: token)
            return pid
        }
    }

    /// The child was reaped and its leftovers killed.
    static func finished(_ pid: pid_t) {
        state.withLock { $0.running[pid] = nil }
    }

    private struct Run {
        var cgroup: RunCgroup?
        var token: String
    }

    private struct State {
        var running: [pid_t: Run] = [:]
        var closed = false
    }
}
