import CLeakLabShims
import Foundation
import Glibc
import LeakLabModel

/// One child process: spawned in its own process group, watched against its budgets, and read
/// line by line as it streams messages on fd 3.
///
/// The child's stdout and stderr go to a log file (a scenario may print a lot: the runtime's
/// continuation-misuse reports grow quadratically), of which the runner keeps the tail.
final class ChildProcess {
    /// Why the runner killed the child, if it did.
    enum KillReason: Equatable {
        case wallTime(Double)
        case memory(Int)
        case threads(Int)
    }

    /// How the child ended.
    struct Termination {
        var exitStatus: Int32?
        var signal: Int32?
        var killedFor: KillReason?
        /// VmHWM as last read, else the highest RSS seen.
        var peakRSS: Int
        /// The largest data segment seen (what RLIMIT_DATA limits), bytes.
        var peakDataBytes: Int
        var peakThreads: Int
        var wallSeconds: Double
        var undecodableLines: Int
    }

    /// How often the watchdog looks at the child when it is quiet. A scenario that touches
    /// 64 MiB per iteration gains at most a few tens of MiB between two looks.
    static let pollMillis: Int32 = 5

    let pid: pid_t
    private let readFD: Int32
    private let start: Double
    private let logPath: String

    /// Spawns `executable` with `arguments`; fd 3 of the child is the write end of a pipe.
    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws(RunnerError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .internalFailure("pipe failed: errno \(errno)") }
        // Move both ends above the fds the child will use, so dup2 onto 3 never meets itself.
        let readEnd = fcntl(ends[0], F_DUPFD_CLOEXEC, 10)
        let writeEnd = fcntl(ends[1], F_DUPFD_CLOEXEC, 10)
        close(ends[0])
        close(ends[1])
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard readEnd >= 0, writeEnd >= 0, logFD >= 0 else {
            throw .internalFailure("cannot set up the child's pipe or log \(logPath): errno \(errno)")
        }
        defer {
            close(writeEnd)
            close(logFD)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, logFD, 1)
        posix_spawn_file_actions_adddup2(&actions, logFD, 2)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, ChildChannel.fileDescriptor)
        _ = leaklab_spawn_add_closefrom(&actions, ChildChannel.fileDescriptor + 1)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a time-out kills everything it started; default signal
        // dispositions and an empty mask, whatever the runner had.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var status: Int32 = 0
        let spawned = ChildProcessGroups.spawning {
            var pid: pid_t = 0
            status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            return status == 0 ? pid : nil
        }
        guard let spawned else {
            close(readEnd)
            throw .internalFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = spawned
        self.readFD = readEnd
        self.logPath = logPath
        self.start = Self.now()
    }

    deinit { close(readFD) }

    /// Reads messages until the child closes its end, enforcing the budgets; then reaps it.
    ///
    /// The watchdog reads /proc/PID/status at least every ``pollMillis``: RSS against the memory
    /// budget, the thread count against the threads budget; past the wall-time budget the whole
    /// process group is killed.
    func monitor(budgets: Budgets, onMessage: (ChildMessage) -> Void) -> Termination {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var killedFor: KillReason?
        var peakRSS = 0, peakData = 0, peakThreads = 0
        var undecodable = 0
        let decoder = JSONDecoder()
        var statusBuffer = [UInt8](repeating: 0, count: 4_096)

        func drainLines() {
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(pending[..<newline])
                pending.removeSubrange(...newline)
                if let message = try? decoder.decode(ChildMessage.self, from: line) {
                    onMessage(message)
                } else {
                    undecodable += 1
                }
            }
        }

        /// One look at the child; kills its group when it is over a budget.
        func watch() {
            guard killedFor == nil else { return }
            if let status = Self.status(of: pid, buffer: &statusBuffer) {
                peakRSS = max(peakRSS, status.rss, status.highWaterMark)
                peakData = max(peakData, status.data)
                peakThreads = max(peakThreads, status.threads)
                if status.rss > budgets.memoryBytes {
                    killedFor = .memory(status.rss)
                    kill(-pid, SIGKILL)
                    return
                }
                if status.threads > budgets.threads {
                    killedFor = .threads(status.threads)
                    kill(-pid, SIGKILL)
                    return
                }
            }
            let elapsed = Self.now() - start
            if elapsed > budgets.wallSeconds {
                killedFor = .wallTime(elapsed)
                kill(-pid, SIGKILL)
            }
        }

        var open = true
        while open {
            var descriptor = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Self.pollMillis)
            if ready > 0 {
                let count = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if count > 0 {
                    pending.append(contentsOf: chunk[..<count])
                    drainLines()
                } else if count == 0 || errno != EINTR {
                    open = false
                }
            }
            watch()
        }
        drainLines()

        // The pipe is closed; the child is exiting or was killed. Reap it, still watching it (a
        // child that closed fd 3 itself and then hangs or grows).
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            watch()
            usleep(UInt32(Self.pollMillis) * 1_000)
        }
        ChildProcessGroups.finished(pid)
        // Whatever else the scenario started in the group goes with it.
        kill(-pid, SIGKILL)

        let exited = (status & 0x7f) == 0
        return Termination(
            exitStatus: exited ? (status >> 8) & 0xff : nil,
            signal: exited ? nil : status & 0x7f,
            killedFor: killedFor, peakRSS: peakRSS, peakDataBytes: peakData, peakThreads: peakThreads,
            wallSeconds: Self.now() - start, undecodableLines: undecodable)
    }

    /// The last `limit` bytes the child printed, then the log is removed.
    func takeOutputTail(limit: Int = 4_096) -> String {
        defer { unlink(logPath) }
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(limit) ? size - UInt64(limit) : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// What the watchdog reads of a process, bytes and counts.
    struct ProcStatus: Equatable {
        var rss = 0
        var highWaterMark = 0
        var data = 0
        var threads = 0
    }

    /// VmRSS, VmHWM, VmData and Threads from /proc/PID/status, read without Foundation (this runs
    /// every few milliseconds); nil once the process is gone or a zombie.
    static func status(of pid: pid_t, buffer: inout [UInt8]) -> ProcStatus? {
        let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let parsed = parseStatus(buffer[..<count])
        return parsed.rss == 0 && parsed.threads == 0 ? nil : parsed
    }

    /// Parses the fields of /proc/PID/status the watchdog needs.
    static func parseStatus(_ bytes: ArraySlice<UInt8>) -> ProcStatus {
        var result = ProcStatus()
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            let line = bytes[lineStart..<lineEnd]
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let key = line[lineStart..<colon]
                var value = 0
                for byte in line[(colon + 1)...] where byte >= 48 && byte <= 57 { value = value * 10 + Int(byte - 48) }
                if key.elementsEqual("VmRSS".utf8) { result.rss = value * 1_024 }
                else if key.elementsEqual("VmHWM".utf8) { result.highWaterMark = value * 1_024 }
                else if key.elementsEqual("VmData".utf8) { result.data = value * 1_024 }
                else if key.elementsEqual("Threads".utf8) { result.threads = value }
            }
            lineStart = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
        }
        return result
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
