import Foundation
import SystemPackage

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
        /// What `pipe2` or `posix_spawnp` reported.
        public var errno: Errno
        /// `cannot run PROG: no such program`, else the error by name (`Permission denied`).
        public var description: String {
            errno == .noSuchFileOrDirectory
                ? "cannot run \(program): no such program"
                : "cannot run \(program): \(errno.description)"
        }
    }

    /// Runs `arguments` (the program first, found on PATH when it has no `/`).
    public static func run(
        _ arguments: [String], input: [UInt8], timeout: Double, outputLimit: Int, errorLimit: Int = 8 * 1024
    ) throws(SpawnError) -> Result {
        precondition(!arguments.isEmpty)
        // Close-on-exec from the start (pipe2), so a program another thread spawns inherits no end;
        // dup2 in the spawn clears the flag on our program's 0, 1 and 2.
        var pipes: [(readEnd: FileDescriptor, writeEnd: FileDescriptor)] = []
        func closeAll() {
            for ends in pipes {
                try? ends.readEnd.close()
                try? ends.writeEnd.close()
            }
        }
        for _ in 0..<3 {
            do { pipes.append(try FileDescriptor.pipe(options: .closeOnExec)) } catch {
                closeAll()
                throw SpawnError(program: arguments[0], errno: error)
            }
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
            pid = try spawn(arguments, stdin: stdinPipe.readEnd, stdout: stdoutPipe.writeEnd, stderr: stderrPipe.writeEnd)
        } catch {
            closeAll()
            throw error
        }
        // The program has its copies; ours are closed here, the other ends once each is done with.
        for fd in [stdinPipe.readEnd, stdoutPipe.writeEnd, stderrPipe.writeEnd] { try? fd.close() }

        var result = Result(exitStatus: nil, signal: nil, timedOut: false, outputExceeded: false, output: [], errorTail: [])
        let deadline = Date().addingTimeInterval(timeout)
        var writeFD: FileDescriptor? = stdinPipe.writeEnd, outFD: FileDescriptor? = stdoutPipe.readEnd
        var errFD: FileDescriptor? = stderrPipe.readEnd
        /// Closes an end once and forgets it.
        func closeEnd(_ fd: inout FileDescriptor?) {
            try? fd?.close()
            fd = nil
        }
        // Only our ends (their own open file descriptions): the program's block as usual.
        for fd in [stdinPipe.writeEnd, stdoutPipe.readEnd, stderrPipe.readEnd] {
            _ = fcntl(fd.rawValue, F_SETFL, fcntl(fd.rawValue, F_GETFL) | O_NONBLOCK)
        }
        if input.isEmpty { closeEnd(&writeFD) }
        var written = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = 0
        var reaped = false

        /// Reads what `fd` has now; `false` at end of file or error (an interrupted read is
        /// retried; ``Errno/wouldBlock`` means nothing more for now).
        func drain(_ fd: FileDescriptor, toOutput: Bool) -> Bool {
            while true {
                let count: Int
                do {
                    count = try buffer.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) }
                } catch Errno.wouldBlock {
                    return true
                } catch {
                    return false
                }
                if count == 0 { return false }
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
                if let fd = outFD, !drain(fd, toOutput: true) { closeEnd(&outFD) }
                if let fd = errFD, !drain(fd, toOutput: false) { closeEnd(&errFD) }
                break
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                result.timedOut = true
                break
            }
            var fds: [pollfd] = []
            if let writeFD { fds.append(pollfd(fd: writeFD.rawValue, events: Int16(POLLOUT), revents: 0)) }
            if let outFD { fds.append(pollfd(fd: outFD.rawValue, events: Int16(POLLIN), revents: 0)) }
            if let errFD { fds.append(pollfd(fd: errFD.rawValue, events: Int16(POLLIN), revents: 0)) }
            let wait = Int32(min(remaining * 1000, fds.isEmpty ? 5 : 50).rounded(.up))
            if fds.isEmpty {
                usleep(UInt32(wait) * 1000)
                continue
            }
            if poll(&fds, nfds_t(fds.count), wait) < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                if let fd = writeFD, entry.fd == fd.rawValue {
                    // At most 64 KiB at a time; a full pipe (wouldBlock) waits for the next poll,
                    // any other error (a program that closed its stdin: EPIPE) ends the input.
                    var failed = false
                    do {
                        let start = written
                        let count = try input.withUnsafeBytes { raw in
                            try fd.write(UnsafeRawBufferPointer(rebasing: raw[start..<min(input.count, start + 64 * 1024)]))
                        }
                        written += count
                    } catch Errno.wouldBlock {
                    } catch {
                        failed = true
                    }
                    if failed || written >= input.count { closeEnd(&writeFD) }
                } else if let fd = outFD, entry.fd == fd.rawValue {
                    if !drain(fd, toOutput: true) { closeEnd(&outFD) }
                } else if let fd = errFD, entry.fd == fd.rawValue {
                    if !drain(fd, toOutput: false) { closeEnd(&errFD) }
                }
            }
        }
        closeEnd(&writeFD)
        closeEnd(&outFD)
        closeEnd(&errFD)
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

    private static func spawn(
        _ arguments: [String], stdin: FileDescriptor, stdout: FileDescriptor, stderr: FileDescriptor
    ) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin.rawValue, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.rawValue, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.rawValue, 2)

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
        guard code == 0 else { throw SpawnError(program: arguments[0], errno: Errno(rawValue: code)) }
        return pid
    }
}
