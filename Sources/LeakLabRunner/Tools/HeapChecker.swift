import Foundation
import LeakLabModel

/// gperftools' heap checker as a detector: the variant runs with the full tcmalloc of Debian's
/// `libgoogle-perftools4` preloaded and `HEAPCHECK=normal`, twice (N and 2N workload
/// iterations, same warm-up). At exit the checker stops every thread, marks what is reachable
/// from globals, stacks and registers, and prints "Leak check _main_ detected leaks of B bytes in
/// O objects" (or "No leaks found"); the growth of those objects between the two runs is the
/// verdict (``LossGrowth``). Like LeakSanitizer it sees only unreachable memory.
enum HeapChecker {
    static let missing = "gperftools' heap checker is not installed: Scripts/setup installs it (libgoogle-perftools4)"

    /// The full tcmalloc (with the heap checker): not the minimal one the allocator comparison uses.
    static var library: String? {
        ["/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4", "/usr/lib/aarch64-linux-gnu/libtcmalloc.so.4", "/usr/lib/libtcmalloc.so.4"]
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The share of a run's lost objects the checker may miss in another run of the same variant.
    ///
    /// The scan is conservative: any word that looks like a block's address keeps that block,
    /// and which stale words match changes from run to run. 110 blocks lost once in set-up were
    /// counted as 91 to 112 over 16 runs (and as 5 to 112 while the blocks were left unwritten:
    /// each fresh block still held the allocator's link to the next, so one stale pointer kept a
    /// whole chain). Growth between the two runs within this share of the first run's count is
    /// taken for that noise, so a leak must also outgrow a quarter of what was lost once.
    static let hiddenShare = 0.25

    struct Measurement {
        var report: HeapCheckerSummary
        var workloadIterations: Int
        var wallSeconds: Double
    }

    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String) -> DetectorVerdict {
        guard let library else { return .toolFailed(.heapcheck, missing) }
        let n = plain.workloadIterations
        var runs: [Measurement] = []
        var overhead: Double?
        for workload in [n, 2 * n] {
            let label = workload == n ? "the run" : "the 2N run"
            var plan = plan
            plan.workloadIterations = workload
            let result: ToolRun.Result
            do {
                result = try ToolRun.run(
                    plan, tool: .heapcheck, launcher: [], hostExecutable: hostExecutable,
                    environment: [
                        "LD_PRELOAD": library, "HEAPCHECK": "normal",
                        // One leak's stack in the report, so the verdict line stays in the kept output.
                        "HEAP_CHECK_MAX_LEAKS": "1", "PPROF_PATH": "/bin/false",
                    ])
            } catch {
                return .toolFailed(.heapcheck, "\(label): cannot start the host: \(error)", overhead: overhead)
            }
            if workload == n { overhead = ToolVerdict.overhead(tool: result.wallSeconds, plain: plain.wallSeconds) }
            // A leak report makes the process exit 1 after `finished`: that is the expected end.
            if !result.finished || result.failure != nil || result.termination.killedFor != nil {
                return .toolFailed(
                    .heapcheck, "\(label) under the heap checker \(result.problem ?? "did not finish"); \(Memcheck.lastLines(result.outputTail))",
                    overhead: overhead)
            }
            guard let report = ToolReportParser.heapChecker(result.outputTail) else {
                return .toolFailed(.heapcheck, "\(label): the heap checker printed no verdict; \(Memcheck.lastLines(result.outputTail))", overhead: overhead)
            }
            runs.append(Measurement(report: report, workloadIterations: result.request.workloadIterations, wallSeconds: result.wallSeconds))
        }
        let short = runs[0], long = runs[1]
        let extra = Double(max(1, long.workloadIterations - short.workloadIterations))
        let objects = Double(long.report.leakedObjects - short.report.leakedObjects)
        let bytes = Double(long.report.leakedBytes - short.report.leakedBytes)
        let hidden = hiddenShare * Double(short.report.leakedObjects)
        let leak = LossGrowth.isLeak(objects, extraIterations: extra) && objects > hidden && bytes > 0
        var note =
            "heapcheck at \(short.workloadIterations) it.: \(short.report.leakedBytes) B in \(short.report.leakedObjects) objects; "
            + "at \(long.workloadIterations) it.: \(long.report.leakedBytes) B in \(long.report.leakedObjects) objects; "
            + String(format: "growth per iteration: %.2f objects (%.1f B)", objects / extra, bytes / extra)
            + " (\(LossGrowth.description), and above \(Int(hiddenShare * 100))% of the first run's count)"
        if let overhead { note += String(format: "; overhead %.1fx the plain run", overhead) }
        return DetectorVerdict(
            detector: ExternalTool.heapcheck.rawValue, leak: leak, ratePerIteration: max(0, bytes / extra),
            confidence: leak ? 0.9 : 0.8, firstIteration: leak ? plain.warmUpIterations + n : nil,
            note: note, overhead: overhead)
    }
}
