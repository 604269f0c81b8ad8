import Foundation
import Glibc

extension RunCgroup {
    /// Kills every process left in the run's groups — daemons that left the process group and
    /// session included — and returns them as `name (pid N)`, in pid order.
    ///
    /// The group is frozen first (cgroup.freeze on v2, freezer.state on v1) so nothing can fork
    /// while it is emptied, every pid of cgroup.procs gets SIGKILL, then the group is thawed so
    /// the signals are delivered; repeated until the groups are empty (at most ~1 s).
    func killAll() -> [String] {
        var killed: [pid_t: String] = [:]
        for _ in 0..<200 {
            let pids = Set(directories.flatMap { Self.pids(in: $0) })
            if pids.isEmpty { break }
            setFrozen(true)
            for pid in Set(directories.flatMap { Self.pids(in: $0) }) {
                if killed[pid] == nil { killed[pid] = LeftoverProcesses.name(of: pid) }
                kill(pid, SIGKILL)
            }
            if kind == .v2 { Self.write("1", to: "\(directories[0])/cgroup.kill") }  // Linux 5.14+
            setFrozen(false)
            usleep(5_000)
        }
        LeftoverProcesses.waitUntilGone(Array(killed.keys))
        return killed.keys.sorted().map { "\(killed[$0]!) (pid \($0))" }
    }

    /// Kills what is left, then removes the groups (a group with processes cannot be removed).
    func remove() {
        _ = killAll()
        for path in directories.reversed() {
            for _ in 0..<100 {
                if rmdir(path) == 0 || errno == ENOENT { break }
                usleep(10_000)
            }
        }
    }

    /// Freezes or thaws the group; waits (briefly) until the kernel says it is frozen.
    private func setFrozen(_ frozen: Bool) {
        guard let freezerDirectory else { return }
        switch kind {
        case .v2:
            Self.write(frozen ? "1" : "0", to: "\(freezerDirectory)/cgroup.freeze")
        case .v1:
            let state = "\(freezerDirectory)/freezer.state"
            Self.write(frozen ? "FROZEN" : "THAWED", to: state)
            guard frozen else { return }
            for _ in 0..<100 {
                let now = (try? String(contentsOfFile: state, encoding: .utf8)) ?? ""
                if !now.hasPrefix("FREEZING") { return }
                usleep(1_000)
            }
        }
    }
}

/// Run groups left behind by a runner that died without cleaning up (kill -9): their processes
/// are killed and the groups removed by the next runner that starts. Groups whose runner is
/// alive (another `leaklab` on the machine) are left alone.
enum StaleRunGroups {
    static func sweep(_ layout: RunCgroupSupport.Layout) {
        let parents = Set([layout.memoryParent, layout.pidsParent, layout.freezerParent].compactMap { $0 })
        var stale: [String] = []
        for parent in parents {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
            for name in names where name.hasPrefix(RunCgroupSupport.groupPrefix) {
                let rest = name.dropFirst(RunCgroupSupport.groupPrefix.count)
                guard let pid = rest.split(separator: "-").first.flatMap({ pid_t($0) }) else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { stale.append("\(parent)/\(name)") }
            }
        }
        guard !stale.isEmpty else { return }
        // Freeze where a freezer group is among them, kill everything, thaw, remove.
        for _ in 0..<100 {
            let pids = stale.flatMap { RunCgroup.pids(in: $0) }
            if pids.isEmpty { break }
            for path in stale where path.hasPrefix(layout.freezerParent ?? "\u{0}") { RunCgroup.write("FROZEN", to: "\(path)/freezer.state") }
            for pid in pids { kill(pid, SIGKILL) }
            for path in stale { RunCgroup.write("1", to: "\(path)/cgroup.kill") }
            for path in stale where path.hasPrefix(layout.freezerParent ?? "\u{0}") { RunCgroup.write("THAWED", to: "\(path)/freezer.state") }
            usleep(10_000)
        }
        for path in stale { rmdir(path) }
    }
}
