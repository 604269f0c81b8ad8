import Foundation
import LeakLabModel

/// heaptrack as a detector: `heaptrack -o FILE <host> <request>`, then `heaptrack_print -f FILE`
/// (its output demangled with `swift demangle`), whose "total memory leaked" is every byte not
/// freed at exit — reachable or not.
///
/// That total also holds the runtime's and the host's own memory (~55 kB on a clean run), so the
/// variant runs twice under heaptrack: as planned, and a baseline with no warm-up and 2 workload
/// iterations. The difference per extra iteration is the rate; a leak is a difference that grows
/// with iterations (≥ 8 B per iteration and ≥ 4 kB in all).
enum Heaptrack {
    static let missing = "heaptrack is not installed: Scripts/setup installs it (LEAKLAB_SETUP_EXTRAS=\"valgrind heaptrack\" Scripts/setup)"
    static let minimumRate = 8.0
    static let minimumGrowth = 4_000

    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String) -> DetectorVerdict {
        guard let heaptrack = ToolFiles.which("heaptrack"), let printer = ToolFiles.which("heaptrack_print") else {
            return .toolFailed(.heaptrack, missing)
        }
        let demangler = ToolFiles.which("swift-demangle")
        let full: Measured
        do {
            full = try measure(plan, heaptrack: heaptrack, printer: printer, demangler: demangler, host: hostExecutable, baseline: false)
        } catch {
            return .toolFailed(.heaptrack, error.description)
        }
        let overhead = ToolVerdict.overhead(tool: full.run.wallSeconds, plain: plain.wallSeconds)
        if let problem = full.run.problem {
            return .toolFailed(.heaptrack, "the run under heaptrack \(problem)", overhead: overhead)
        }
        guard let fullSummary = full.summary else {
            return .toolFailed(.heaptrack, "heaptrack_print gave no 'total memory leaked'; \(Memcheck.lastLines(full.printed))", overhead: overhead)
        }
        let base: Measured
        do {
            base = try measure(plan, heaptrack: heaptrack, printer: printer, demangler: demangler, host: hostExecutable, baseline: true)
        } catch {
            return .toolFailed(.heaptrack, "baseline run: \(error.description)", overhead: overhead)
        }
        guard base.run.problem == nil, let baseSummary = base.summary else {
            return .toolFailed(.heaptrack, "the 2-iteration baseline run under heaptrack \(base.run.problem ?? "printed no summary")", overhead: overhead)
        }
        let iterations = full.run.request.warmUpIterations + full.run.request.workloadIterations
        let baseIterations = base.run.request.warmUpIterations + base.run.request.workloadIterations
        let extra = max(1, iterations - baseIterations)
        let growth = fullSummary.leakedBytes - baseSummary.leakedBytes
        let rate = Double(growth) / Double(extra)
        let leak = growth >= minimumGrowth && rate >= minimumRate
        let note = "heaptrack: total memory leaked \(Format.bytes(fullSummary.leakedBytes)) after \(iterations) iterations, "
            + "\(Format.bytes(baseSummary.leakedBytes)) after \(baseIterations) (baseline); "
            + String(format: "%+.0f B per iteration", rate)
            + "; \(fullSummary.allocationCalls.map(String.init) ?? "?") allocation calls"
            + (overhead.map { String(format: "; overhead %.1fx the plain run", $0) } ?? "")
        return DetectorVerdict(
            detector: ExternalTool.heaptrack.rawValue, leak: leak, ratePerIteration: max(0, rate),
            confidence: leak ? (rate >= 64 ? 0.9 : 0.7) : (growth <= 0 ? 0.9 : 0.6),
            firstIteration: leak ? full.run.request.workloadIterations : nil, note: note, overhead: overhead)
    }

    struct Measured {
        var run: ToolRun.Result
        var summary: HeaptrackSummary?
        var printed: String
    }

    private static func measure(
        _ plan: RunPlan, heaptrack: String, printer: String, demangler: String?, host: String, baseline: Bool
    ) throws(RunnerError) -> Measured {
        let directory = try ToolFiles.temporaryDirectory("heaptrack")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let prefix = "\(directory)/run"
        let run = try ToolRun.run(
            plan, tool: .heaptrack, launcher: [heaptrack, "-o", prefix], hostExecutable: host, environment: [:],
            adjust: { request in
                guard baseline else { return }
                request.warmUpIterations = 0
                request.workloadIterations = 2
                request.sampleEvery = RunRequest.sampleInterval(iterations: 2)
            })
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard let data = files.first(where: { $0.hasPrefix("run") }) else {
            return Measured(run: run, summary: nil, printed: "heaptrack wrote no data file; \(run.outputTail)")
        }
        let printed = "\(directory)/print.txt"
        _ = ToolFiles.runToEnd(printer, ["-f", "\(directory)/\(data)", "--print-peaks=0", "--print-allocators=0", "--print-temporary=0", "--print-leaks=0"],
                               stdout: printed, stderr: nil)
        var text = ToolFiles.read(printed) ?? ""
        if let demangler {
            let demangled = "\(directory)/demangled.txt"
            if ToolFiles.runToEnd(demangler, ["--simplified"], stdin: printed, stdout: demangled) == 0 {
                text = ToolFiles.read(demangled) ?? text
            }
        }
        return Measured(run: run, summary: ToolReportParser.heaptrack(text), printed: text)
    }
}
