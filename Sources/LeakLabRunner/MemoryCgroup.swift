import Foundation
import Glibc
import LeakLabModel

/// A cgroup v2 memory group for one run: `memory.max` at the budget plus a margin, no swap, the
/// whole group OOM-killed together. The child moves itself in before it loads plugin code (see
/// ``MemoryCgroupChannel``); the runner reads `memory.events` afterwards and removes the group.
///
/// Groups live under `/sys/fs/cgroup/leaklab/`. Where that cannot be made (cgroup v1, no memory
/// controller, not writable, a container whose own group holds processes), ``support`` says why
/// and the runner falls back to its RSS watchdog and the child's RLIMIT_DATA.
public final class MemoryCgroup: @unchecked Sendable {
    /// Whether per-run memory groups can be made on this machine.
    public enum Support: Sendable, Equatable {
        case available(parent: String)
        case unavailable(reason: String)
    }

    /// The root of the cgroup v2 hierarchy.
    static let mountPoint = "/sys/fs/cgroup"
    /// What memory.max allows above the budget: the RSS watchdog stops the child at the budget;
    /// the group is the hard stop when the child outruns the watchdog.
    public static let margin = 32 << 20

    /// Checked once per process, on first use. `LEAKLAB_NO_CGROUP=1` turns groups off.
    public static let support: Support = detect()

    /// The group's directory.
    public let path: String
    public let limitBytes: Int

    /// Makes a group for one run, or `nil` where groups are not available or this one could not
    /// be made (the run then relies on the watchdog).
    init?(budgets: Budgets) {
        guard case .available(let parent) = Self.support else { return nil }
        let path = "\(parent)/run-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        guard mkdir(path, 0o755) == 0 else { return nil }
        self.path = path
        self.limitBytes = budgets.memoryBytes + Self.margin
        guard Self.write("\(limitBytes)", to: "\(path)/memory.max") else {
            rmdir(path)
            return nil
        }
        _ = Self.write("0", to: "\(path)/memory.swap.max")  // absent without swap accounting
        _ = Self.write("1", to: "\(path)/memory.oom.group")
    }

    /// The file the child writes its pid to.
    var procsPath: String { "\(path)/cgroup.procs" }

    /// How many times the kernel's OOM killer struck in this group (`memory.events` oom_kill).
    func oomKills() -> Int {
        guard let text = try? String(contentsOfFile: "\(path)/memory.events", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == "oom_kill" { return Int(fields[1]) ?? 0 }
        }
        return 0
    }

    /// Whether `pid` is in the group (the child moved itself in).
    func contains(_ pid: pid_t) -> Bool {
        guard let text = try? String(contentsOfFile: procsPath, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { Int32($0) == pid }
    }

    /// Kills whatever is left in the group and removes it.
    func remove() {
        _ = Self.write("1", to: "\(path)/cgroup.kill")  // Linux 5.14+
        for _ in 0..<100 {
            if rmdir(path) == 0 || errno == ENOENT { return }
            if let text = try? String(contentsOfFile: procsPath, encoding: .utf8) {
                for line in text.split(separator: "\n") { if let pid = Int32(line) { kill(pid, SIGKILL) } }
            }
            usleep(10_000)
        }
    }

    static func detect() -> Support {
        if ProcessInfo.processInfo.environment["LEAKLAB_NO_CGROUP"] == "1" {
            return .unavailable(reason: "turned off by LEAKLAB_NO_CGROUP=1")
        }
        // cgroup.controllers exists only at the root of a cgroup v2 hierarchy.
        guard FileManager.default.fileExists(atPath: "\(mountPoint)/cgroup.controllers") else {
            return .unavailable(reason: "\(mountPoint) is not a cgroup v2 (unified) hierarchy")
        }
        let controllers = (try? String(contentsOfFile: "\(mountPoint)/cgroup.controllers", encoding: .utf8)) ?? ""
        guard controllers.split(whereSeparator: \.isWhitespace).contains("memory") else {
            return .unavailable(reason: "the cgroup v2 memory controller is not enabled at \(mountPoint)")
        }
        guard access(mountPoint, W_OK) == 0 else {
            return .unavailable(reason: "\(mountPoint) is not writable (run as root, or delegate a cgroup)")
        }
        let parent = "\(mountPoint)/leaklab"
        guard mkdir(parent, 0o755) == 0 || errno == EEXIST else {
            return .unavailable(reason: "cannot create \(parent): \(String(cString: strerror(errno)))")
        }
        _ = write("+memory", to: "\(mountPoint)/cgroup.subtree_control")
        _ = write("+memory", to: "\(parent)/cgroup.subtree_control")
        let enabled = (try? String(contentsOfFile: "\(parent)/cgroup.subtree_control", encoding: .utf8)) ?? ""
        guard enabled.split(whereSeparator: \.isWhitespace).contains("memory") else {
            return .unavailable(reason: "cannot enable the memory controller for \(parent) (its parent holds processes, as in most containers)")
        }
        return .available(parent: parent)
    }

    @discardableResult
    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return text.withCString { Glibc.write(fd, $0, strlen($0)) } == text.utf8.count
    }

    /// One line for users: how memory is contained on this machine.
    public static var summary: String {
        switch support {
        case .available(let parent):
            "memory containment: a cgroup v2 per run under \(parent) (memory.max = budget + \(margin >> 20) MiB, no swap)"
        case .unavailable(let reason):
            "memory containment: no cgroup (\(reason)); using the RSS watchdog and RLIMIT_DATA"
        }
    }
}
