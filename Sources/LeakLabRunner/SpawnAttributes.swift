import Glibc

/// The `posix_spawn` attributes of every process the runner starts: its own process group (so
/// one `kill(-pid, …)` ends everything it started without `setsid`), an empty signal mask and
/// every signal at its default, whatever the runner's thread had blocked or caught.
enum SpawnAttributes {
    /// Runs `body` with the attributes made and destroyed around it.
    static func withChildAttributes<T>(_ body: (inout posix_spawnattr_t) throws -> T) rethrows -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        return try body(&attributes)
    }
}
