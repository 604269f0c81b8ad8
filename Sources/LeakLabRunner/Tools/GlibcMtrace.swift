import Foundation
import LeakLabModel

/// glibc's mtrace as a detector: the host runs with `libc_malloc_debug.so` preloaded and
/// `MALLOC_TRACE` set (the host calls `mtrace()` itself, see LeakLabHost's `MallocTrace`), twice
/// (N and 2N workload iterations, same warm-up). Every block allocated and not freed by exit —
/// reachable or not, as glibc's `mtrace` script reports it — is counted; what the N extra
/// iterations add is the rate, with heaptrack's rule (≥ 8 B per iteration, ≥ 4 kB in all).
///
/// The trace is replayed here rather than through the `mtrace` Perl script because the script
/// prints a shared library's caller as a bare offset ("at 0x233e3"), without the library: blocks
/// from libdispatch's per-thread continuation cache (Scripts/heaptrack/swift.supp) could not be
/// left out, and how many worker threads hold such a cache at exit varies from run to run.
enum GlibcMtrace {
    static let missing = "glibc's libc_malloc_debug.so is not there (Debian's libc6 ships it from glibc 2.34)"

    static var library: String? {
        [
            "/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0", "/usr/lib/aarch64-linux-gnu/libc_malloc_debug.so.0",
            "/lib/x86_64-linux-gnu/libc_malloc_debug.so.0",
        ]
        .first { FileManager.default.fileExists(atPath: $0) }
    }

    struct Measurement {
        var unfreed: MallocTraceReplay.Unfreed
        var workloadIterations: Int
        var wallSeconds: Double
    }

    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String) -> DetectorVerdict {
        guard let library else { return .toolFailed(.mtrace, missing) }
        let suppressions = SuppressionList.load(Heaptrack.suppressionFile)
        let n = plain.workloadIterations
        var runs: [Measurement] = []
        var overhead: Double?
        for workload in [n, 2 * n] {
            let label = workload == n ? "the run" : "the 2N run"
            let trace = ToolFiles.temporaryPath("mtrace.txt")
            defer { unlink(trace) }
            var plan = plan
            plan.workloadIterations = workload
            let result: ToolRun.Result
            do {
                result = try ToolRun.run(
                    plan, tool: .mtrace, launcher: [], hostExecutable: hostExecutable,
                    environment: ["LD_PRELOAD": library, "MALLOC_TRACE": trace])
            } catch {
                return .toolFailed(.mtrace, "\(label): cannot start the host: \(error)", overhead: overhead)
            }
            if workload == n { overhead = ToolVerdict.overhead(tool: result.wallSeconds, plain: plain.wallSeconds) }
            if let problem = result.problem {
                return .toolFailed(.mtrace, "\(label) under mtrace \(problem)", overhead: overhead)
            }
            guard let data = FileManager.default.contents(atPath: trace), !data.isEmpty else {
                return .toolFailed(.mtrace, "\(label) wrote no trace to MALLOC_TRACE (was libc_malloc_debug.so preloaded?)", overhead: overhead)
            }
            let unfreed = MallocTraceReplay.unfreed(String(decoding: data, as: UTF8.self), suppressed: suppressions.matches)
            runs.append(Measurement(unfreed: unfreed, workloadIterations: result.request.workloadIterations, wallSeconds: result.wallSeconds))
        }
        let short = runs[0], long = runs[1]
        let extra = max(1, long.workloadIterations - short.workloadIterations)
        let growth = long.unfreed.bytes - short.unfreed.bytes
        let rate = Double(growth) / Double(extra)
        let leak = growth >= Heaptrack.minimumGrowth && rate >= Heaptrack.minimumRate
        func figures(_ m: Measurement) -> String {
            "\(Format.bytes(m.unfreed.bytes)) in \(m.unfreed.blocks) blocks not freed (\(Format.bytes(m.unfreed.suppressedBytes)) suppressed)"
        }
        var note =
            "mtrace at \(short.workloadIterations) it.: \(figures(short)); at \(long.workloadIterations) it.: \(figures(long)); "
            + String(format: "%+.1f B per extra iteration", rate)
            + " (leak from \(Int(Heaptrack.minimumRate)) B per iteration and \(Format.bytes(Heaptrack.minimumGrowth)) in all)"
        if let overhead { note += String(format: "; overhead %.1fx the plain run", overhead) }
        return DetectorVerdict(
            detector: ExternalTool.mtrace.rawValue, leak: leak, ratePerIteration: max(0, rate),
            confidence: leak ? (rate >= 64 ? 0.9 : 0.7) : (growth <= 0 ? 0.9 : 0.6),
            firstIteration: leak ? plain.warmUpIterations + n : nil, note: note, overhead: overhead)
    }
}
