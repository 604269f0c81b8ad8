import Glibc
import LeakLabModel

/// Limits the child sets on itself before it loads any plugin code.
///
/// RLIMIT_NOFILE is the open-files budget. RLIMIT_DATA is a backstop at
/// ``Budgets/dataLimitBytes`` (twice the memory budget, at least budget + 2 GiB, since thread
/// stacks and allocator reservations count toward it); the runner watches RSS against the budget
/// itself and stops the child first. No core dumps: crashing is an expected outcome here.
///
/// When the runner made a cgroup v2 for this run it names the group's `cgroup.procs` in
/// ``MemoryCgroupChannel/environmentKey``; the child moves itself in here, so everything the plugin
/// allocates is charged to the group and its `memory.max`.
enum ResourceLimits {
    static func apply(_ budgets: Budgets) {
        if let procs = getenv(MemoryCgroupChannel.environmentKey).map({ String(cString: $0) }), !procs.isEmpty {
            joinCgroup(procs)
        }
        set(RLIMIT_NOFILE, UInt(budgets.openFiles))
        set(RLIMIT_DATA, UInt(budgets.dataLimitBytes))
        set(RLIMIT_CORE, 0)
    }

    /// Writes our pid to `cgroup.procs`. A failure is not fatal: the runner's RSS watchdog and
    /// RLIMIT_DATA still hold, and the runner sees from `cgroup.procs` whether we got in.
    private static func joinCgroup(_ procsPath: String) {
        let fd = open(procsPath, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = "\(getpid())\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    private static func set(_ resource: __rlimit_resource, _ value: UInt) {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(resource.rawValue), &limit)
        limit.rlim_cur = min(value, limit.rlim_max)
        setrlimit(__rlimit_resource_t(resource.rawValue), &limit)
    }
}
