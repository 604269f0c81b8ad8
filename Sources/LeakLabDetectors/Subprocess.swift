import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program without a shell, feeding it stdin and collecting stdout with a cap and a time-out.
///
/// The program is started with `posix_spawnp` in its own process group, so a time-out or an
/// over-long output kills it and anything it started (SIGKILL to the group). SIGPIPE from a program
/// that does not read its input is blocked in the calling thread only and discarded.
public enum Subprocess {
    /// How a run ended.
    public struct Result: Sendable, Equatable {
        /// The exit status, when the program exited.
        public var exitStatus: Int32?
        /// The signal that ended it, when one did (SIGKILL after a time-out).
        public var signal: Int32?
        /// It ran past the time-out and was killed.
        public var timedOut: Bool
        /// It wrote more than the output limit and was killed.
        public var outputExceeded: Bool
        /// Standard output, up to the limit.
        public var output: [UInt8]
        /// The last bytes of standard error.
        public var errorTail: [UInt8]
    }

    /// Why a program could not be started.
    public struct SpawnError: Error, Equatable, CustomStringConvertible {
        public var program: String
        public var errno: Int32
        public var description: String {
            errno == ENOENT
                ? "cannot run \(program): no such program"
                : "cannot run \(program): \(String(cString: strerror(errno)))"
        }
    }

    /// Runs `arguments` (the program first, found on PATH when it has no `/`).
    public static func run(
        _ arguments: [String], input: [UInt8], timeout: Double, outputLimit: Int, errorLimit: Int = 8 * 1024
    ) throws(SpawnError) -> Result {
        precondition(!arguments.isEmpty)
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else {
                let code = errno
                pipes.joined().forEach { close($0) }
                throw SpawnError(program: arguments[0], errno: code)
            }
            // Not atomic (pipe2 is not visible to Swift): a program spawned by another thread in
            // between may inherit an end; the loop below stops at our program's exit, not at EOF.
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(ends)
        }
        let stdinPipe = pipes[0], stdoutPipe = pipes[1], stderrPipe = pipes[2]

        // Block SIGPIPE in this thread while writing the program's input.
        var blockPipe = sigset_t(), previousMask = sigset_t()
        sigemptyset(&blockPipe)
        sigaddset(&blockPipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blockPipe, &previousMask)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&blockPipe, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }

        let pid: pid_t
        do {
            pid = try spawn(arguments, stdin: stdinPipe[0], stdout: stdoutPipe[1], stderr: stderrPipe[1])
        } catch {
            (stdinPipe + stdoutPipe + stderrPipe).forEach { close($0) }
            throw error
        }
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])

        var result = Result(exitStatus: nil, signal: nil, timedOut: false, outputExceeded: false, output: [], errorTail: [])
        let deadline = Date().addingTimeInterval(timeout)
        var writeFD: Int32? = stdinPipe[1], outFD: Int32? = stdoutPipe[0], errFD: Int32? = stderrPipe[0]
        for fd in [stdinPipe[1], stdoutPipe[0], stderrPipe[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        if input.isEmpty, let fd = writeFD {
            close(fd)
            writeFD = nil
        }
        var written = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = 0
        var reaped = false

        /// Reads what `fd` has now; `false` at end of file or error.
        func drain(_ fd: Int32, toOutput: Bool) -> Bool {
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count < 0 && errno == EAGAIN { return true }
                if count <= 0 { return false }
                if toOutput {
                    result.output.append(contentsOf: buffer[0..<count])
                    if result.output.count > outputLimit {
                        result.outputExceeded = true
                        result.output.removeLast(result.output.count - outputLimit)
                        return true
                    }
                } else {
                    result.errorTail.append(contentsOf: buffer[0..<count])
                    if result.errorTail.count > errorLimit {
                        result.errorTail.removeFirst(result.errorTail.count - errorLimit)
                    }
                }
            }
        }

        while !result.outputExceeded {
            if !reaped {
                let done = waitpid(pid, &status, WNOHANG)
                if done == pid { reaped = true }
            }
            if reaped {
                // It has exited: take what is left in the pipes and stop, even if something it
                // started still holds them open.
                if let fd = outFD, !drain(fd, toOutput: true) {
                    close(fd)
                    outFD = nil
                }
                if let fd = errFD, !drain(fd, toOutput: false) {
                    close(fd)
                    errFD = nil
                }
                break
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                result.timedOut = true
                break
            }
            var fds: [pollfd] = []
            if let writeFD { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            if let outFD { fds.append(pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)) }
            if let errFD { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
            let wait = Int32(min(remaining * 1000, fds.isEmpty ? 5 : 50).rounded(.up))
            if fds.isEmpty {
                usleep(UInt32(wait) * 1000)
                continue
            }
            if poll(&fds, nfds_t(fds.count), wait) < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == writeFD {
                    let count = input.withUnsafeBytes { raw in
                        write(entry.fd, raw.baseAddress! + written, min(input.count - written, 64 * 1024))
                    }
                    if count > 0 { written += count }
                    if (count < 0 && errno != EAGAIN && errno != EINTR) || written >= input.count {
                        close(entry.fd)
                        writeFD = nil
                    }
                } else if entry.fd == outFD {
                    if !drain(entry.fd, toOutput: true) {
                        close(entry.fd)
                        outFD = nil
                    }
                } else if entry.fd == errFD {
                    if !drain(entry.fd, toOutput: false) {
                        close(entry.fd)
                        errFD = nil
                    }
                }
            }
        }
        for fd in [writeFD, outFD, errFD].compactMap({ $0 }) { close(fd) }
        // Whatever is left of its process group goes too: a time-out, an over-long output, or
        // children it left behind.
        kill(-pid, SIGKILL)
        if !reaped {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if status & 0x7f == 0 {
            result.exitStatus = (status >> 8) & 0xff
        } else {
            result.signal = status & 0x7f
        }
        return result
    }

    private static func spawn(_ arguments: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t(), defaults = sigset_t()
        sigemptyset(&emptyMask)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard code == 0 else { throw SpawnError(program: arguments[0], errno: code) }
        return pid
    }
}
