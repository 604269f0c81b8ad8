import Glibc

/// The monotonic clock the runner and the probes time runs with (`CLOCK_MONOTONIC`: not moved by
/// NTP or the user setting the date).
public enum MonotonicClock {
    /// Seconds since an arbitrary point (boot); only differences mean anything.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
