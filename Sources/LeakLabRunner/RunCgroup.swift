import Foundation
import Glibc
import LeakLabModel
import SystemPackage

/// The cgroups of one run: a memory limit at the budget plus a margin, a pids limit at the thread
/// budget plus a margin, and a way to find and kill everything the run started, whatever process
/// group or session it moved to.
///
/// On cgroup v2 that is one group under `/sys/fs/cgroup/leaklab/` (memory.max, pids.max,
/// cgroup.kill). On cgroup v1 it is one group per controller — memory, pids, freezer — each made
/// under the group `/proc/self/cgroup` names for that controller (never elsewhere), so the run
/// stays inside whatever contains the runner. The runner moves the child into each as soon as it
/// has spawned it (``admit(_:)``), and the child joins any it is not in yet before it loads plugin
/// code (``ContainmentChannel/cgroupProcsKey``); the runner reads the counters afterwards,
/// kills what is left and removes the groups. ``support`` says which kind this machine has.
public final class RunCgroup: @unchecked Sendable {
    /// What memory.max / memory.limit_in_bytes allows above the budget: the RSS watchdog stops the
    /// child at the budget; the group is the hard stop when the child outruns the watchdog or its
    /// memory does not show in RSS (tmpfs, memfd).
    public static let margin = 32 << 20
    /// What pids.max allows above the thread budget: the watchdog stops the child at the budget;
    /// pids.max refuses threads and processes past it.
    public static let pidsMargin = 32

    /// `cgroup v2` or `cgroup v1`.
    public let kind: RunCgroupSupport.Kind
    /// Every directory made for this run (one on v2; memory, pids, freezer on v1).
    public let directories: [String]
    let memoryDirectory: String?
    let pidsDirectory: String?
    let freezerDirectory: String?
    /// memory.max (v2) or memory.limit_in_bytes (v1), bytes.
    public let memoryLimit: Int?
    /// pids.max.
    public let pidsLimit: Int?

    /// Makes the groups for one run, or `nil` where cgroups are not available or the memory
    /// group could not be made (the run then relies on the watchdog and the run token).
    init?(budgets: Budgets) {
        guard case .available(let layout) = RunCgroupSupport.support else { return nil }
        let name = "\(RunCgroupSupport.groupPrefix)\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        let memoryLimit = budgets.memoryBytes + Self.margin
        let pidsLimit = budgets.threads + Self.pidsMargin
        var made: [String] = []
        func make(_ parent: String?) -> String? {
            guard let parent else { return nil }
            let path = "\(parent)/\(name)"
            guard mkdir(path, 0o755) == 0 else { return nil }
            made.append(path)
            return path
        }
        kind = layout.kind
        switch layout.kind {
        case .v2:
            let path = make(layout.memoryParent)
            memoryDirectory = path
            pidsDirectory = layout.pidsParent == nil ? nil : path
            freezerDirectory = path
        case .v1:
            memoryDirectory = make(layout.memoryParent)
            pidsDirectory = make(layout.pidsParent)
            freezerDirectory = make(layout.freezerParent)
        }
        directories = made
        let memoryFile = layout.kind == .v2 ? "memory.max" : "memory.limit_in_bytes"
        guard let memoryDirectory, Self.write("\(memoryLimit)", to: "\(memoryDirectory)/\(memoryFile)") else {
            for path in made.reversed() { rmdir(path) }
            return nil
        }
        self.memoryLimit = memoryLimit
        if layout.kind == .v2 {
            _ = Self.write("0", to: "\(memoryDirectory)/memory.swap.max")  // absent without swap accounting
            _ = Self.write("1", to: "\(memoryDirectory)/memory.oom.group")
        }
        if let pidsDirectory, Self.write("\(pidsLimit)", to: "\(pidsDirectory)/pids.max") {
            self.pidsLimit = pidsLimit
        } else {
            self.pidsLimit = nil
        }
    }

    /// The `cgroup.procs` files the child's pid is written to (by ``admit(_:)`` and by the child).
    var procsPaths: [String] { directories.map { "\($0)/cgroup.procs" } }

    /// Moves a child just spawned into every group of the run, while it is still linking.
    ///
    /// On cgroup v1 the first move into a memory group waits for an RCU grace period (~8 ms
    /// here); made by the runner while the child's dynamic linker runs, that wait no longer
    /// adds to the run. The child still checks before it loads plugin code and moves itself into
    /// any group it is not in yet (``ContainmentChannel/cgroupProcsKey``). A child that has
    /// already exited is simply not moved.
    func admit(_ pid: pid_t) {
        for path in procsPaths { _ = Self.write("\(pid)", to: path) }
    }

    /// Whether `pid` is in the memory group (moved in by ``admit(_:)`` or by itself).
    func contains(_ pid: pid_t) -> Bool {
        guard let memoryDirectory else { return false }
        return Self.pids(in: memoryDirectory).contains(pid)
    }

    /// How many times the kernel's OOM killer struck in the memory group: `oom_kill` in
    /// memory.events (v2) or memory.oom_control (v1).
    func oomKills() -> Int {
        guard let memoryDirectory else { return 0 }
        let file = kind == .v2 ? "memory.events" : "memory.oom_control"
        return Self.counter("oom_kill", in: "\(memoryDirectory)/\(file)") ?? 0
    }

    /// How many forks and thread creations pids.max refused (`max` in pids.events).
    func pidsRefused() -> Int {
        guard let pidsDirectory else { return 0 }
        return Self.counter("max", in: "\(pidsDirectory)/pids.events") ?? 0
    }

    /// The memory group's peak charge, bytes: memory.peak (v2, Linux 5.19+) or
    /// memory.max_usage_in_bytes (v1). It counts tmpfs and memfd pages, which RSS does not.
    func memoryPeak() -> Int? {
        guard let memoryDirectory else { return nil }
        let file = kind == .v2 ? "memory.peak" : "memory.max_usage_in_bytes"
        return Self.readInt("\(memoryDirectory)/\(file)")
    }

    /// Tasks (threads of every process) in the group now, from pids.current; read by the watchdog
    /// every few milliseconds, so without Foundation.
    func tasksNow(buffer: inout [UInt8]) -> Int? {
        guard let pidsDirectory else { return nil }
        return Self.readInt("\(pidsDirectory)/pids.current", buffer: &buffer)
    }

    // MARK: Files

    /// Writes `text` to a control file with one write(2) (cgroupfs takes one command per write);
    /// false when the file cannot be opened or the kernel refuses or shortens the write.
    @discardableResult
    static func write(_ text: String, to path: String) -> Bool {
        guard let fd = try? FileDescriptor.open(FilePath(path), .writeOnly, options: .closeOnExec) else { return false }
        defer { try? fd.close() }
        let bytes = Array(text.utf8)
        return (try? bytes.withUnsafeBytes { try fd.write($0) }) == bytes.count
    }

    /// The pids in a group's cgroup.procs.
    static func pids(in directory: String) -> [pid_t] {
        pids(inProcsFile: "\(directory)/cgroup.procs")
    }

    /// The pids a `cgroup.procs` file lists.
    static func pids(inProcsFile path: String) -> [pid_t] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    /// The value of `key` in a flat-keyed file (`key value` lines).
    static func counter(_ key: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == key { return Int(fields[1]) }
        }
        return nil
    }

    static func readInt(_ path: String) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 64)
        return readInt(path, buffer: &buffer)
    }

    /// The decimal number a file starts with, read with one read(2).
    static func readInt(_ path: String, buffer: inout [UInt8]) -> Int? {
        guard let count = FileDescriptor.readOnce(path, into: &buffer) else { return nil }
        var value = 0, digits = 0
        for byte in buffer[..<count] {
            guard byte >= 48 && byte <= 57 else { break }
            value = value * 10 + Int(byte - 48)
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
