import Foundation
import Glibc
import SystemPackage

/// Which cgroups this machine lets the runner make for its runs, found once per process.
///
/// cgroup v2 first: a unified hierarchy at `/sys/fs/cgroup` with the memory controller enabled,
/// writable; groups go under `/sys/fs/cgroup/leaklab/`. Else cgroup v1: a writable memory
/// hierarchy (pids and freezer too where mounted); groups go under the runner's own group of each
/// controller, as `/proc/self/cgroup` names it. Else none, and ``summary`` says why.
/// `LEAKLAB_NO_CGROUP=1` turns cgroups off (to exercise the fallback).
public enum RunCgroupSupport {
    public enum Kind: String, Sendable, Equatable {
        case v2 = "cgroup v2"
        case v1 = "cgroup v1"
    }

    /// Where run groups are made.
    public struct Layout: Sendable, Equatable {
        public var kind: Kind
        public var memoryParent: String
        public var pidsParent: String?
        /// v1 only; on v2 every group has cgroup.freeze.
        public var freezerParent: String?
    }

    public enum Support: Sendable, Equatable {
        case available(Layout)
        case unavailable(reason: String)
    }

    /// Run groups are named `leaklab-run-PID-RANDOM`, PID being the runner's.
    static let groupPrefix = "leaklab-run-"
    static let v2Root = "/sys/fs/cgroup"

    /// Checked once per process, on first use; groups left by runners that died (kill -9) are
    /// cleaned up then, their processes killed.
    public static let support: Support = {
        let found = detect()
        if case .available(let layout) = found { StaleRunGroups.sweep(layout) }
        return found
    }()

    static func detect() -> Support {
        if ProcessInfo.processInfo.environment["LEAKLAB_NO_CGROUP"] == "1" {
            return .unavailable(reason: "turned off by LEAKLAB_NO_CGROUP=1")
        }
        var reasons: [String] = []
        switch detectV2() {
        case .success(let layout): return .available(layout)
        case .failure(let why): reasons.append(why.description)
        }
        switch detectV1() {
        case .success(let layout): return .available(layout)
        case .failure(let why): reasons.append(why.description)
        }
        return .unavailable(reason: reasons.joined(separator: "; "))
    }

    struct Refusal: Error, CustomStringConvertible { var description: String }

    static func detectV2() -> Result<Layout, Refusal> {
        // cgroup.controllers exists only at the root of a cgroup v2 hierarchy.
        guard FileManager.default.fileExists(atPath: "\(v2Root)/cgroup.controllers") else {
            return .failure(Refusal(description: "\(v2Root) is not a cgroup v2 (unified) hierarchy"))
        }
        let controllers = words("\(v2Root)/cgroup.controllers")
        guard controllers.contains("memory") else {
            return .failure(Refusal(description: "the cgroup v2 memory controller is not enabled at \(v2Root)"))
        }
        guard access(v2Root, W_OK) == 0 else {
            return .failure(Refusal(description: "\(v2Root) is not writable (run as root, or delegate a cgroup)"))
        }
        let parent = "\(v2Root)/leaklab"
        guard mkdir(parent, 0o755) == 0 || errno == EEXIST else {
            return .failure(Refusal(description: "cannot create \(parent): \(Errno(rawValue: errno).description)"))
        }
        for controller in ["+memory", "+pids"] {
            RunCgroup.write(controller, to: "\(v2Root)/cgroup.subtree_control")
            RunCgroup.write(controller, to: "\(parent)/cgroup.subtree_control")
        }
        let enabled = words("\(parent)/cgroup.subtree_control")
        guard enabled.contains("memory") else {
            return .failure(Refusal(description: "cannot enable the memory controller for \(parent) (its parent holds processes, as in most containers)"))
        }
        return .success(Layout(kind: .v2, memoryParent: parent, pidsParent: enabled.contains("pids") ? parent : nil))
    }

    static func detectV1() -> Result<Layout, Refusal> {
        let mounts = v1Mounts()
        let own = ownV1Groups()
        func parent(_ controller: String) -> String? {
            guard let mount = mounts[controller], let path = own[controller] else { return nil }
            let directory = path == "/" ? mount : mount + path
            return access(directory, W_OK) == 0 ? directory : nil
        }
        guard mounts["memory"] != nil else {
            return .failure(Refusal(description: "no cgroup v1 memory hierarchy is mounted"))
        }
        guard let memory = parent("memory") else {
            return .failure(Refusal(description: "the runner's cgroup v1 memory group is not writable (run as root)"))
        }
        return .success(Layout(kind: .v1, memoryParent: memory, pidsParent: parent("pids"), freezerParent: parent("freezer")))
    }

    /// Controller → mount point of each cgroup v1 hierarchy, from /proc/self/mounts.
    static func v1Mounts() -> [String: String] {
        guard let text = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return [:] }
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, fields[2] == "cgroup" else { continue }
            for option in fields[3].split(separator: ",") where ["memory", "pids", "freezer"].contains(String(option)) {
                result[String(option)] = String(fields[1])
            }
        }
        return result
    }

    /// Controller → this process's group path in it, from /proc/self/cgroup (`N:controllers:/path`).
    static func ownV1Groups() -> [String: String] {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return [:] }
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            for controller in fields[1].split(separator: ",") { result[String(controller)] = String(fields[2]) }
        }
        return result
    }

    private static func words(_ path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace)
    }

    /// One line for users: how runs are contained on this machine.
    public static var summary: String {
        switch support {
        case .available(let layout) where layout.kind == .v2:
            "containment: a cgroup v2 per run under \(layout.memoryParent) (memory.max = budget + \(RunCgroup.margin >> 20) MiB, no swap\(layout.pidsParent == nil ? "" : "; pids.max = thread budget + \(RunCgroup.pidsMargin)"))"
        case .available(let layout):
            "containment: cgroup v1 groups per run under \(layout.memoryParent) (memory.limit_in_bytes = budget + \(RunCgroup.margin >> 20) MiB)"
                + (layout.pidsParent.map { ", \($0) (pids.max = thread budget + \(RunCgroup.pidsMargin))" } ?? ", no pids controller")
                + (layout.freezerParent.map { ", \($0) (freezer)" } ?? "")
        case .unavailable(let reason):
            "containment: no cgroup (\(reason)); using the RSS watchdog, RLIMIT_DATA, and the run token to find leftover processes"
        }
    }
}
