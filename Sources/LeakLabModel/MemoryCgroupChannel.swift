/// How the runner tells a child which cgroup to join.
public enum MemoryCgroupChannel {
    /// The environment variable holding the path of the run's `cgroup.procs`; the child writes
    /// its pid there before it loads any plugin code.
    public static let environmentKey = "LEAKLAB_CGROUP_PROCS"
}
