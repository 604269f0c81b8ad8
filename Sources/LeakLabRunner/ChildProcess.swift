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
    }

    /// How the child ended.
    struct Termination {
        var exitStatus: Int32?
        var signal: Int32?
        var killedFor: KillReason?
        var peakRSS: Int
        var wallSeconds: Double
        var undecodableLines: Int
    }

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
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(readEnd)
            throw .internalFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        self.readFD = readEnd
        self.logPath = logPath
        self.start = Self.now()
    }

    deinit { close(readFD) }

    /// Reads messages until the child closes its end, enforcing the budgets; then reaps it.
    func monitor(budgets: Budgets, onMessage: (ChildMessage) -> Void) -> Termination {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var killedFor: KillReason?
        var peakRSS = 0
        var undecodable = 0
        let decoder = JSONDecoder()

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

        var open = true
        while open {
            var descriptor = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready > 0 {
                let count = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if count > 0 {
                    pending.append(contentsOf: chunk[..<count])
                    drainLines()
                } else if count == 0 || errno != EINTR {
                    open = false
                }
            }
            if killedFor == nil {
                let elapsed = Self.now() - start
                if let rss = Self.residentBytes(of: pid) {
                    peakRSS = max(peakRSS, rss)
                    if rss > budgets.memoryBytes {
                        killedFor = .memory(rss)
                        kill(-pid, SIGKILL)
                    }
                }
                if killedFor == nil, elapsed > budgets.wallSeconds {
                    killedFor = .wallTime(elapsed)
                    kill(-pid, SIGKILL)
                }
            }
        }
        drainLines()

        // The pipe is closed; the child is exiting or was killed. Reap it, killing it if it
        // lingers (a child that closed fd 3 itself and then hangs).
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if killedFor == nil, Self.now() - start > budgets.wallSeconds {
                killedFor = .wallTime(Self.now() - start)
                kill(-pid, SIGKILL)
            }
            usleep(10_000)
        }
        // Whatever else the scenario started in the group goes with it.
        kill(-pid, SIGKILL)

        let exited = (status & 0x7f) == 0
        return Termination(
            exitStatus: exited ? (status >> 8) & 0xff : nil,
            signal: exited ? nil : status & 0x7f,
            killedFor: killedFor, peakRSS: peakRSS, wallSeconds: Self.now() - start,
            undecodableLines: undecodable)
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

    /// RSS of a process from /proc/PID/statm, bytes.
    static func residentBytes(of pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
