import CLeakLabShims
import Glibc
import LeakLabModel

/// Limits the child sets on itself before it loads any plugin code.
///
/// First it ties its life to the runner's: PR_SET_PDEATHSIG (SIGKILL when the runner dies, however
/// it dies), then a check that the runner named in ``ContainmentChannel/parentPIDKey`` is still its
/// parent (it may have died before the request was made).
///
/// When the runner made cgroups for this run it names their `cgroup.procs` files in
/// ``ContainmentChannel/cgroupProcsKey``; the child moves itself into each, so everything the plugin
/// allocates (tmpfs and memfd pages included) is charged to the run's memory limit, every thread
/// and process it starts counts against the run's pids limit, and whatever it leaves behind can be
/// found and killed.
///
/// RLIMIT_NOFILE is the open-files budget. RLIMIT_DATA is a backstop at
/// ``Budgets/dataLimitBytes``: roomy enough for every thread the thread budget allows with its
/// 8 MiB stack reservation (address space is not memory use); the runner's watchdog and the
/// cgroup stop the child long before it. No core dumps: crashing is an expected outcome here.
enum ResourceLimits {
    static func apply(_ budgets: Budgets) {
        if let procs = getenv(ContainmentChannel.cgroupProcsKey).map({ String(cString: $0) }), !procs.isEmpty {
            for path in procs.split(separator: ":") { joinCgroup(String(path)) }
        }
        set(RLIMIT_NOFILE, UInt(budgets.openFiles))
        set(RLIMIT_DATA, UInt(budgets.dataLimitBytes))
        set(RLIMIT_CORE, 0)
    }

    /// Dies with the runner: the kernel sends SIGKILL when the parent goes, and a parent that is
    /// already gone (we were re-parented before asking) ends us now. Called first thing in main.
    static func dieWithRunner() {
        _ = leaklab_set_parent_death_signal(SIGKILL)
        guard let text = getenv(ContainmentChannel.parentPIDKey), let runner = Int32(String(cString: text)) else { return }
        if getppid() != runner { _exit(Host.ExitCode.runnerGone.rawValue) }
    }

    /// Writes our pid to `cgroup.procs` unless the runner has already moved us there (it does
    /// so while we start: a move can wait for an RCU grace period). A failure is not fatal: the
    /// runner's watchdog and RLIMIT_DATA still hold, and the runner sees from `cgroup.procs`
    /// whether we got in.
    private static func joinCgroup(_ procsPath: String) {
        if isMember(procsPath) { return }
        let fd = open(procsPath, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = "\(getpid())\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    /// Whether our pid is listed in `cgroup.procs` (a run's group holds a handful of pids).
    private static func isMember(_ procsPath: String) -> Bool {
        let fd = open(procsPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            text += buffer[..<count]
        }
        let me = getpid()
        return text.split(separator: UInt8(ascii: "\n")).contains { line in
            Int32(String(decoding: line, as: UTF8.self)) == me
        }
    }

    private static func set(_ resource: __rlimit_resource, _ value: UInt) {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(resource.rawValue), &limit)
        limit.rlim_cur = min(value, limit.rlim_max)
        setrlimit(__rlimit_resource_t(resource.rawValue), &limit)
    }
}
