import Foundation
import Glibc
import LeakLabModel
import SystemPackage

/// Where no cgroup holds a run, its leftover processes are found by the run token every process it
/// started inherits in its environment (``ContainmentChannel/runTokenKey``), read from
/// /proc/PID/environ. A process that cleared or replaced its environment escapes this; a cgroup
/// does not let it.
enum LeftoverProcesses {
    /// Stops, then kills, every process whose environment carries `token`, until none is left
    /// (at most ~1 s); returns them as `name (pid N)`, in pid order.
    static func killAll(token: String) -> [String] {
        let marker = Array("\(ContainmentChannel.runTokenKey)=\(token)".utf8) + [0]
        var killed: [pid_t: String] = [:]
        for _ in 0..<100 {
            let found = carrying(marker)
            if found.isEmpty { break }
            // Stop them all first, so none forks a new one between two kills.
            for pid in found { kill(pid, SIGSTOP) }
            for pid in found {
                if killed[pid] == nil { killed[pid] = name(of: pid) }
                kill(pid, SIGKILL)
            }
            usleep(5_000)
        }
        waitUntilGone(Array(killed.keys))
        return killed.keys.sorted().map { "\(killed[$0]!) (pid \($0))" }
    }

    /// Waits (at most ~1 s) until each of `pids` has gone from the process table or is a zombie:
    /// a killed process leaves its cgroup before it has finished dying.
    static func waitUntilGone(_ pids: [pid_t]) {
        var left = pids
        for _ in 0..<200 where !left.isEmpty {
            left = left.filter { pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return false }
                return !stat[close...].hasPrefix(") Z") && !stat[close...].hasPrefix(") X")
            }
            if !left.isEmpty { usleep(5_000) }
        }
    }

    /// Pids whose initial environment contains `marker` (NUL-terminated `KEY=VALUE`).
    static func carrying(_ marker: [UInt8]) -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var result: [pid_t] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let own = getpid()
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = pid_t(name), pid != own else { continue }
            guard let count = FileDescriptor.readOnce("/proc/\(pid)/environ", into: &buffer) else { continue }
            // Entries start at 0 or after a NUL.
            var start = 0
            while start < count {
                let end = buffer[start..<count].firstIndex(of: 0) ?? count
                if end < count, end - start + 1 == marker.count, buffer[start...end].elementsEqual(marker) {
                    result.append(pid)
                    break
                }
                start = end + 1
            }
        }
        return result
    }

    /// The process's command name (/proc/PID/comm), or `?`.
    static func name(of pid: pid_t) -> String {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "?"
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
