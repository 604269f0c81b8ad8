import Glibc
import LeakLabModel

/// Limits the child sets on itself before it loads any plugin code.
///
/// RLIMIT_NOFILE is the open-files budget. RLIMIT_DATA is a backstop at twice the memory budget
/// (at least budget + 2 GiB, since thread stacks and allocator reservations count toward it);
/// the runner watches RSS against the budget itself and stops the child first. No core dumps:
/// crashing is an expected outcome here.
enum ResourceLimits {
    static func apply(_ budgets: Budgets) {
        set(RLIMIT_NOFILE, UInt(budgets.openFiles))
        let data = max(UInt(budgets.memoryBytes) * 2, UInt(budgets.memoryBytes) + (2 << 30))
        set(RLIMIT_DATA, data)
        set(RLIMIT_CORE, 0)
    }

    private static func set(_ resource: __rlimit_resource, _ value: UInt) {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(resource.rawValue), &limit)
        limit.rlim_cur = min(value, limit.rlim_max)
        setrlimit(__rlimit_resource_t(resource.rawValue), &limit)
    }
}
