import CLeakLabShims
import Foundation
import Glibc
import LeakLabModel
import SystemPackage

/// One child process: spawned in its own process group (and moved into the run's cgroups, by the
/// runner as soon as it is spawned and by itself before it loads plugin code), watched against its budgets, and read line by line as it streams messages on fd 3.
/// Samples come through a ``SampleRing`` in shared memory (fd 4 in the child) where the runner
/// made one: the child writes them without a system call, and the runner reads them each time it
/// looks at the child (at least every ``pollMillis``), before every message on the pipe (so the
/// order is the child's), and once more after the child has exited — nothing is lost when it dies.
///
/// The run ends when the child exits, not when fd 3 reaches end-of-file: a process the scenario
/// forked may hold fd 3 open for ever. Its stdout and stderr go to a pipe of which the runner keeps
/// the last ``OutputTail/capacity`` bytes in memory (a scenario may print gigabytes); nothing is
/// written to disk.
final class ChildProcess {
    /// Why the runner killed the child, if it did.
    enum KillReason: Equatable {
        case wallTime(Double)
        /// Reported the end of its run but had not exited this many seconds later (an `atexit`
        /// handler or a destructor that blocks): killed then, not at the wall-time budget.
        case exitHang(Double)
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
        var wallSeconds: Double
        /// Lines on fd 3 that were not a message, and sample records that were unreadable.
        var undecodableLines: Int
        /// Lines on fd 3 over ``ChannelLineReader/maximumLineBytes``, and the bytes dropped with them.
        var overlongLines = 0
        var discardedChannelBytes = 0
        /// Bytes written to stdout and stderr, and how many the runner kept.
        var outputBytes = 0
        var outputKeptBytes = 0
    }

    /// How often the watchdog looks at the child when it is quiet. A scenario that touches
    /// 64 MiB per iteration gains at most a few tens of MiB between two looks.
    static let pollMillis: Int32 = 5
    /// What the runner still reads from fd 3 and the output pipe once the child has exited (a
    /// descendant may keep writing), bytes per pipe.
    static let drainLimit = 4 << 20

    let pid: pid_t
    /// The runner's (non-blocking) read ends of the child's fd 3 and of its stdout and stderr.
    private let readFD: FileDescriptor
    private let outputFD: FileDescriptor
    private let start: Double
    private let cgroup: RunCgroup?
    private let token: String
    private var output = OutputTail()
    private var reaped = false
    /// The sample ring shared with the child, and its mapping's size; nil without one.
    private let ring: SampleRing?
    private let ringBytes: Int

    /// Spawns `executable` with `arguments`; fd 3 of the child is the write end of a pipe, fds 1
    /// and 2 the write end of another. The environment gains a fresh run token
    /// (``ContainmentChannel/runTokenKey``) and, when the host is `executable` itself or runs in
    /// its process (`hostIsChild`; not under a launcher script such as heaptrack's, whose shell
    /// sits between), this process's pid (``ContainmentChannel/parentPIDKey``) for the host to check.
    /// With `sampleRing`, a ring of ``SampleRing/defaultCapacity`` records is shared with the child
    /// as fd ``SampleRingChannel/fileDescriptor`` (if a memfd can be made; else samples come on the pipe).
    init(
        executable: String, arguments: [String], environment: [String: String], cgroup: RunCgroup? = nil,
        hostIsChild: Bool = true, sampleRing: Bool = true
    ) throws(RunnerError) {
        let token = UUID().uuidString.lowercased()
        var environment = environment
        environment[ContainmentChannel.runTokenKey] = token
        environment[ContainmentChannel.parentPIDKey] = hostIsChild ? String(getpid()) : nil
        let shared = sampleRing ? Self.makeRing(capacity: SampleRing.defaultCapacity) : nil
        environment[SampleRingChannel.environmentKey] = shared.map {
            "\(SampleRingChannel.fileDescriptor):\($0.ring.capacity)"
        }
        var handedOver = false
        defer {
            if let shared {
                try? shared.fd.close()
                if !handedOver { munmap(shared.ring.base, shared.bytes) }
            }
        }
        let (readEnd, writeEnd): (FileDescriptor, FileDescriptor)
        do { (readEnd, writeEnd) = try Self.makePipe() } catch {
            throw .internalFailure("cannot make the child's channel: \(error)")
        }
        let (outputRead, outputWrite): (FileDescriptor, FileDescriptor)
        do { (outputRead, outputWrite) = try Self.makePipe() } catch {
            for fd in [readEnd, writeEnd] { try? fd.close() }
            throw .internalFailure("cannot make the child's output pipe: \(error)")
        }
        // The runner never blocks on either: it reads what is there and goes back to poll().
        // (The flag is on the read ends' open file descriptions only; the child's ends block.)
        for fd in [readEnd, outputRead] { _ = fcntl(fd.rawValue, F_SETFL, fcntl(fd.rawValue, F_GETFL) | O_NONBLOCK) }
        // The child has its copies once spawned (or there is no child); the read ends are closed
        // by deinit, or below when the spawn fails.
        defer {
            try? writeEnd.close()
            try? outputWrite.close()
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputWrite.rawValue, 1)
        posix_spawn_file_actions_adddup2(&actions, outputWrite.rawValue, 2)
        posix_spawn_file_actions_adddup2(&actions, writeEnd.rawValue, ChildChannel.fileDescriptor)
        if let shared { posix_spawn_file_actions_adddup2(&actions, shared.fd.rawValue, SampleRingChannel.fileDescriptor) }
        _ = leaklab_spawn_add_closefrom(&actions, SampleRingChannel.fileDescriptor + 1)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var status: Int32 = 0
        // Its own process group, so a time-out kills everything it started (SpawnAttributes).
        let spawned = ChildProcessGroups.spawning(cgroup: cgroup, token: token) {
            SpawnAttributes.withChildAttributes { attributes -> pid_t? in
                var pid: pid_t = 0
                status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
                return status == 0 ? pid : nil
            }
        }
        guard let spawned else {
            try? readEnd.close()
            try? outputRead.close()
            throw .internalFailure("cannot start \(executable): \(SystemCallFailure("posix_spawn", code: status))")
        }
        self.pid = spawned
        self.ring = shared?.ring
        self.ringBytes = shared?.bytes ?? 0
        handedOver = true
        self.readFD = readEnd
        self.outputFD = outputRead
        self.cgroup = cgroup
        self.token = token
        self.start = MonotonicClock.now()
    }

    deinit {
        try? readFD.close()
        try? outputFD.close()
        if let ring { munmap(ring.base, ringBytes) }
        if !reaped { kill(-pid, SIGKILL) }
    }

    /// Reads messages and output until the child exits, enforcing the budgets, and reaps it.
    ///
    /// The watchdog reads /proc/PID/status (and the run's pids.current) at least every
    /// ``pollMillis``: RSS against the memory budget, threads against the threads budget; past the
    /// wall-time budget the whole process group is killed. Once the child has exited, what is
    /// already in the pipes is read (up to ``drainLimit``) and the run is over, whoever still
    /// holds their write ends.
    ///
    /// - Parameter exitGraceSeconds: how long the child may take to exit after it reported
    ///   `finished`; `nil` waits until the wall-time budget (tool runs, whose tools do their work
    ///   at exit).
    func monitor(budgets: Budgets, exitGraceSeconds: Double? = nil, onMessage: (ChildMessage) -> Void) -> Termination {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var lines = ChannelLineReader()
        var killedFor: KillReason?
        var peakRSS = 0, peakData = 0
        var undecodable = 0
        var finishedAt: Double?
        let decoder = JSONDecoder()
        var statusBuffer = [UInt8](repeating: 0, count: 4_096)
        var numberBuffer = [UInt8](repeating: 0, count: 64)

        /// Hands on every sample the child has put in the ring so far.
        func drainRing() {
            guard let ring else { return }
            undecodable += ring.drain { onMessage(.sample($0)) }
        }

        func handle(_ line: UnsafeRawBufferPointer) {
            guard !line.isEmpty else { return }
            drainRing()  // the samples the child wrote before this message come first
            if let message = try? decoder.decode(ChildMessage.self, from: Data(line)) {
                if case .finished = message { finishedAt = MonotonicClock.now() }
                onMessage(message)
            } else {
                undecodable += 1
            }
        }

        /// One look at the child; kills its group when it is over a budget.
        func watch() {
            guard killedFor == nil else { return }
            let tasks = cgroup?.tasksNow(buffer: &numberBuffer) ?? 0
            if let status = Self.status(of: pid, buffer: &statusBuffer) {
                peakRSS = max(peakRSS, status.rss, status.highWaterMark)
                peakData = max(peakData, status.data)
                let threads = max(status.threads, tasks)
                if status.rss > budgets.memoryBytes {
                    killedFor = .memory(status.rss)
                    kill(-pid, SIGKILL)
                    return
                }
                if threads > budgets.threads {
                    killedFor = .threads(threads)
                    kill(-pid, SIGKILL)
                    return
                }
            }
            let now = MonotonicClock.now()
            if let finishedAt, let exitGraceSeconds, now - finishedAt > exitGraceSeconds {
                killedFor = .exitHang(now - finishedAt)
                kill(-pid, SIGKILL)
                return
            }
            let elapsed = now - start
            if elapsed > budgets.wallSeconds {
                killedFor = .wallTime(elapsed)
                kill(-pid, SIGKILL)
            }
        }

        /// Reads what `fd` has now, at most `limit` bytes; false at end-of-file or on an error
        /// (an interrupted read is retried; ``Errno/wouldBlock`` means nothing more for now).
        func readAvailable(_ fd: FileDescriptor, limit: Int = .max, into sink: (UnsafeRawBufferPointer) -> Void) -> Bool {
            var total = 0
            while total < limit {
                let count: Int
                do {
                    count = try chunk.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) }
                } catch Errno.wouldBlock {
                    return true
                } catch {
                    return false
                }
                guard count > 0 else { return false }
                total += count
                chunk.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            }
            return true
        }
        func channelSink(_ bytes: UnsafeRawBufferPointer) { lines.consume(bytes, onLine: handle) }
        func outputSink(_ bytes: UnsafeRawBufferPointer) { output.append(bytes) }

        var channelOpen = true, outputOpen = true
        var status: Int32 = 0
        // Readable once the child has exited, so the loop wakes then rather than at the next
        // watchdog tick: a child closes its pipes before it can be reaped, and with both closed
        // poll() would otherwise sleep the whole pollMillis. Without pidfds (Linux < 5.3) it does.
        let exitFD = leaklab_pidfd_open(pid)
        defer { if exitFD >= 0 { close(exitFD) } }
        // Once it has said so, it is left out: a child that cannot be reaped yet (a tracer holds
        // it) would otherwise make every poll() return at once.
        var exitFDUnseen = exitFD >= 0
        while true {
            var descriptors = [
                pollfd(fd: channelOpen ? readFD.rawValue : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: outputOpen ? outputFD.rawValue : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: exitFDUnseen ? exitFD : -1, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&descriptors, 3, Self.pollMillis) > 0 {
                if descriptors[2].revents != 0 { exitFDUnseen = false }
                // A bounded read per wake-up, so a flood on one pipe cannot starve the other or the watchdog.
                if descriptors[0].revents != 0 { channelOpen = readAvailable(readFD, limit: 1 << 20, into: channelSink) }
                if descriptors[1].revents != 0 { outputOpen = readAvailable(outputFD, limit: 1 << 20, into: outputSink) }
            }
            drainRing()
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                break
            }
            watch()
        }
        // The child is gone; take what it (or a descendant) already wrote, no more.
        drainRing()
        if channelOpen { _ = readAvailable(readFD, limit: Self.drainLimit, into: channelSink) }
        drainRing()
        if outputOpen { _ = readAvailable(outputFD, limit: Self.drainLimit, into: outputSink) }
        if lines.pendingBytes > 0 { undecodable += 1 }  // a last line without its newline

        let exited = (status & 0x7f) == 0
        return Termination(
            exitStatus: exited ? (status >> 8) & 0xff : nil,
            signal: exited ? nil : status & 0x7f,
            killedFor: killedFor, peakRSS: peakRSS, peakDataBytes: peakData,
            wallSeconds: MonotonicClock.now() - start, undecodableLines: undecodable,
            overlongLines: lines.overlongLines, discardedChannelBytes: lines.discardedBytes,
            outputBytes: output.totalBytes, outputKeptBytes: output.keptBytes)
    }

    /// A pipe whose ends are numbered 10 or above and close-on-exec: above the fds the child
    /// uses, so dup2 onto 1–4 never meets itself.
    /// - Throws: ``SystemCallFailure`` from `pipe2` or `fcntl(F_DUPFD_CLOEXEC)`; nothing is left open.
    static func makePipe() throws(SystemCallFailure) -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
        let ends: (readEnd: FileDescriptor, writeEnd: FileDescriptor)
        do { ends = try FileDescriptor.pipe(options: .closeOnExec) } catch { throw SystemCallFailure("pipe2", errno: error) }
        defer {
            try? ends.readEnd.close()
            try? ends.writeEnd.close()
        }
        let readEnd = try movedAbove(ends.readEnd)
        do { return (readEnd, try movedAbove(ends.writeEnd)) } catch {
            try? readEnd.close()
            throw error
        }
    }

    /// A close-on-exec copy of `fd` numbered 10 or above (`fcntl(F_DUPFD_CLOEXEC)`, which
    /// swift-system does not wrap); `fd` stays open.
    static func movedAbove(_ fd: FileDescriptor) throws(SystemCallFailure) -> FileDescriptor {
        let moved = fcntl(fd.rawValue, F_DUPFD_CLOEXEC, 10)
        guard moved >= 0 else { throw SystemCallFailure("fcntl(F_DUPFD_CLOEXEC)") }
        return FileDescriptor(rawValue: moved)
    }

    /// A memfd sized for a ring of `capacity` records, mapped here with a fresh header; nil when
    /// memfd_create, ftruncate or mmap fails (the child then sends samples on the pipe).
    static func makeRing(capacity: Int) -> (fd: FileDescriptor, ring: SampleRing, bytes: Int)? {
        let bytes = SampleRing.byteCount(capacity: capacity)
        let created = leaklab_memfd_create("leaklab-samples")
        guard created >= 0 else { return nil }
        // Above the fds the child uses, like the pipes' ends, so dup2 onto 4 never meets itself.
        let memfd = FileDescriptor(rawValue: created)
        let moved = try? movedAbove(memfd)
        try? memfd.close()
        guard let fd = moved else { return nil }
        guard (try? fd.resize(to: Int64(bytes))) != nil,
            let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.rawValue, 0), mapped != MAP_FAILED
        else {
            try? fd.close()
            return nil
        }
        return (fd, SampleRing(base: mapped, capacity: capacity, initialize: true), bytes)
    }

    /// Kills whatever the child left behind — everything in the run's cgroups (or, without one,
    /// every process carrying the run token), then its process group — and returns what was
    /// killed, as `name (pid N)`. Call once, after ``monitor(budgets:onMessage:)``.
    ///
    /// - Parameter inCgroup: whether the child got into the run's cgroups; if not, its leftovers
    ///   are looked for by the run token.
    func killLeftovers(inCgroup: Bool) -> [String] {
        var killed = inCgroup ? cgroup?.killAll() ?? [] : []
        if !inCgroup { killed += LeftoverProcesses.killAll(token: token) }
        kill(-pid, SIGKILL)  // whatever of the group neither found (a cleared environment)
        ChildProcessGroups.finished(pid)
        return killed
    }

    /// The last `limit` bytes the child printed.
    func outputTail(limit: Int = 4_096) -> String {
        String(decoding: output.last(limit), as: UTF8.self)
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
        guard let count = FileDescriptor.readOnce("/proc/\(pid)/status", into: &buffer) else { return nil }
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
                if key.elementsEqual("VmRSS".utf8) {
                    result.rss = value * 1_024
                } else if key.elementsEqual("VmHWM".utf8) {
                    result.highWaterMark = value * 1_024
                } else if key.elementsEqual("VmData".utf8) {
                    result.data = value * 1_024
                } else if key.elementsEqual("Threads".utf8) {
                    result.threads = value
                }
            }
            lineStart = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
        }
        return result
    }
}
