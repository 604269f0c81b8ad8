import CLeakLabShims
import FoundationEssentials

/// glibc's malloc tracing for the `mtrace` detector.
///
/// Since glibc 2.34 tracing lives in `libc_malloc_debug.so`, and only starts when the program
/// itself calls `mtrace()` with `MALLOC_TRACE` naming the trace file; without the preload there
/// is no tracing `mtrace` to call. The host makes that call for the detector, before anything of
/// the scenario is loaded, when `MALLOC_TRACE` is set.
enum MallocTrace {
    static func startIfRequested(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environment["MALLOC_TRACE"] != nil else { return }
        _ = leaklab_start_malloc_trace()
    }
}
