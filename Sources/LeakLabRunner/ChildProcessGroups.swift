import Foundation
import Glibc

/// The process groups of every child this process is running, so an interrupted command can kill
/// them all before it exits (each child leads its own group: killing the group takes whatever the
/// scenario started with it).
public enum ChildProcessGroups {
    private static let state = State()

    /// Kills every running child's group, and every child spawned from now on as soon as it is
    /// spawned. Returns how many groups it killed. For a command that is about to exit.
    @discardableResult
    public static func killAllAndClose() -> Int {
        state.lock.lock()
        defer { state.lock.unlock() }
        state.closed = true
        for pid in state.running { kill(-pid, SIGKILL) }
        return state.running.count
    }

    /// Runs `spawn` (which returns the new child's pid, or nil) and records the child, under the
    /// lock `killAllAndClose` takes: no child can start unseen while the command exits.
    static func spawning(_ spawn: () -> pid_t?) -> pid_t? {
        state.lock.lock()
        defer { state.lock.unlock() }
        guard let pid = spawn() else { return nil }
        if state.closed { kill(-pid, SIGKILL) }
        state.running.insert(pid)
        return pid
    }

    /// The child was reaped.
    static func finished(_ pid: pid_t) {
        state.lock.lock()
        defer { state.lock.unlock() }
        state.running.remove(pid)
    }

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var running = Set<pid_t>()
        var closed = false
    }
}
