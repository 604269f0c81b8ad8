/// What the runner tells a child, through its environment, so the child can contain itself
/// before it loads any plugin code.
public enum ContainmentChannel {
    /// The paths of the `cgroup.procs` files of the run's cgroups, separated by `:` (one on
    /// cgroup v2; one per controller — memory, pids, freezer — on cgroup v1). The child writes
    /// its pid to each.
    public static let cgroupProcsKey = "LEAKLAB_CGROUP_PROCS"
    /// The runner's pid. The child asks the kernel to kill it when its parent dies
    /// (PR_SET_PDEATHSIG), then checks that its parent is still this pid: a runner that died
    /// before the request was made is caught too.
    public static let parentPIDKey = "LEAKLAB_PARENT_PID"
    /// A token unique to the run, inherited by everything the child starts. Where no cgroup can
    /// be made, the runner finds the run's leftover processes by it (/proc/PID/environ).
    public static let runTokenKey = "LEAKLAB_RUN_TOKEN"
}
