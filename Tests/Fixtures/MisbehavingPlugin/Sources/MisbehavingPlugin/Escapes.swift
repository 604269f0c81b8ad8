import LeakLabKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Workloads that try to get out of the runner's containment (issue 14). Processes they leave
// behind name themselves `llmisb-…` (their comm, /proc/PID/comm), so a test can look for them in
// the process table.

/// Names a single-threaded process (a forked child) for the process table: writes /proc/self/comm.
func nameThisProcess(_ name: String) {
    let fd = open("/proc/self/comm", O_WRONLY)
    guard fd >= 0 else { return }
    _ = name.withCString { write(fd, $0, strlen($0)) }
    close(fd)
}

/// At iteration `at`, forks a child that keeps fd 3 (and stdout) open and sleeps for ever; the
/// variant itself goes on and finishes.
final class ForkKeepsChannel: ScenarioWorkload {
    let at: Int
    init(at: Int) { self.at = at }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard index == at else { return }
        let pid = fork()
        if pid == 0 {
            nameThisProcess("llmisb-keeper")
            while true { pause() }
        }
        if pid < 0 { throw SystemCallFailed(call: "fork", code: errno) }
    }
}

/// At iteration `at`, daemonizes a grandchild the classic way (fork, setsid, fork again, close
/// every fd) that sleeps for ever, outside the run's process group and session.
final class Daemonizes: ScenarioWorkload {
    let at: Int
    init(at: Int) { self.at = at }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard index == at else { return }
        let first = fork()
        if first == 0 {
            _ = setsid()
            if fork() == 0 {
                // Named first: the runner may find it while it is still closing descriptors.
                nameThisProcess("llmisb-daemon")
                for fd in 0..<1_024 { close(Int32(fd)) }
                while true { pause() }
            }
            _exit(0)
        }
        if first < 0 { throw SystemCallFailed(call: "fork", code: errno) }
        var status: Int32 = 0
        _ = waitpid(first, &status, 0)
    }
}

/// Writes `perIteration` bytes per iteration, half to stdout and half to stderr.
final class FloodsOutput: ScenarioWorkload {
    static let perIteration = 16 << 20
    let line = [UInt8](repeating: UInt8(ascii: "y"), count: 1 << 20 - 1) + [UInt8(ascii: "\n")]

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for chunk in 0..<(Self.perIteration / line.count) {
            let fd: Int32 = chunk % 2 == 0 ? 1 : 2
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}

/// At iteration `at`, writes three lines that are not messages and then `garbageBytes` without a
/// newline to the lab's channel, fd 3; then goes on and finishes.
final class ChannelGarbage: ScenarioWorkload {
    static let garbageBytes = 256 << 20
    let at: Int
    init(at: Int) { self.at = at }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard index == at else { return }
        for text in ["not json\n", "{\"neither\": \"a message\"}\n", "\u{1B}[31m\n"] {
            _ = text.withCString { write(3, $0, strlen($0)) }
        }
        let block = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<(Self.garbageBytes / block.count) {
            var offset = 0
            while offset < block.count {
                let written = block.withUnsafeBytes { write(3, $0.baseAddress! + offset, $0.count - offset) }
                if written <= 0 { throw SystemCallFailed(call: "write(3)", code: errno) }
                offset += written
            }
        }
    }
}

/// Writes 64 MiB per iteration to an unlinked file on tmpfs (/dev/shm), as memfd would: the pages
/// are charged to the writer's memory cgroup, but never show in its RSS.
final class TmpfsHog: ScenarioWorkload {
    static let perIteration = 64 << 20
    var fd: Int32 = -1
    let block = [UInt8](repeating: 0x5A, count: 1 << 20)

    func setUp(context: ScenarioContext) async throws {
        let path = "/dev/shm/llmisb-hog-\(getpid())"
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { throw SystemCallFailed(call: "open(\(path))", code: errno) }
        unlink(path)  // freed when the process dies, however it dies
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<(Self.perIteration / block.count) {
            let written = block.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if written < 0 { throw SystemCallFailed(call: "write(tmpfs)", code: errno) }
        }
    }
}

/// Starts `perIteration` threads per iteration with default attributes — an 8 MiB stack
/// reservation each — that block for ever.
final class ThreadsWithDefaultStacks: ScenarioWorkload {
    static let perIteration = 16

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<Self.perIteration {
            var thread = pthread_t()
            let result = pthread_create(
                &thread, nil,
                { _ in
                    while true { pause() }
                }, nil)
            if result != 0 { throw SystemCallFailed(call: "pthread_create", code: result) }
        }
    }
}

/// At iteration `at`, closes fds 0 to 3: stdin, stdout, stderr and the lab's channel.
final class ClosesChannel: ScenarioWorkload {
    let at: Int
    init(at: Int) { self.at = at }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        usleep(2_000)
        guard index == at else { return }
        for fd: Int32 in 0...3 { close(fd) }
    }
}
