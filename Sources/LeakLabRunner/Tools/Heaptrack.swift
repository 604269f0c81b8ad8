import Foundation
import LeakLabModel

/// heaptrack as a detector: `heaptrack -o FILE <host> <request>`, then `heaptrack_print -f FILE`
/// (its output demangled with `swift demangle`), whose "total memory leaked" is every byte not
/// freed at exit — reachable or not.
///
/// That total also holds the runtime's, the host's and the warm-up's own memory (~55 kB on a
/// clean run, more where warm-up fills caches), so the variant runs twice under heaptrack, with
/// the same warm-up and N and 2N workload iterations: what the N extra iterations add is the
/// rate, and whatever is paid once (set-up, warm-up, pool threads) cancels out. A leak is a
/// growth of at least ``minimumRate`` per extra iteration and ``minimumGrowth`` in all.
enum Heaptrack {
    static let missing = "heaptrack is not installed: Scripts/setup installs it (LEAKLAB_SETUP_EXTRAS=\"valgrind heaptrack\" Scripts/setup)"
    /// Bytes per extra iteration from which growth is a leak: half the smallest allocation a
    /// Swift object can have (16 B), so one leaked object per iteration is always seen.
    static let minimumRate = 8.0
    /// Bytes in all from which growth is a leak: above what two runs of a clean variant differ
    /// by (the runtime's lazily built metadata caches, a worker thread more or less).
    static let minimumGrowth = 4_000

    /// Scripts/heaptrack/swift.supp: libdispatch's per-thread caches, which the host fills.
    static var suppressionFile: String? {
        guard let root = ToolFiles.packageRoot() else { return nil }
        let path = "\(root)/Scripts/heaptrack/swift.supp"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String) -> DetectorVerdict {
        guard let heaptrack = ToolFiles.which("heaptrack"), let printer = ToolFiles.which("heaptrack_print") else {
            return .toolFailed(.heaptrack, missing)
        }
        let demangler = ToolFiles.which("swift-demangle")
        let n = plain.workloadIterations
        var runs: [Measured] = []
        var overhead: Double?
        for workload in [n, 2 * n] {
            let label = workload == n ? "the run" : "the 2N run"
            let measured: Measured
            do {
                measured = try measure(plan, workload: workload, heaptrack: heaptrack, printer: printer, demangler: demangler, host: hostExecutable)
            } catch {
                return .toolFailed(.heaptrack, "\(label): \(error.description)", overhead: overhead)
            }
            if workload == n { overhead = ToolVerdict.overhead(tool: measured.run.wallSeconds, plain: plain.wallSeconds) }
            if let problem = measured.run.problem {
                return .toolFailed(.heaptrack, "\(label) under heaptrack \(problem)", overhead: overhead)
            }
            guard measured.summary != nil else {
                return .toolFailed(
                    .heaptrack, "\(label): heaptrack_print gave no 'total memory leaked'; \(Memcheck.lastLines(measured.printed))", overhead: overhead)
            }
            runs.append(measured)
        }
        let short = runs[0], long = runs[1]
        let shortLeaked = short.summary!.leakedBytes, longLeaked = long.summary!.leakedBytes
        let extra = max(1, long.run.request.workloadIterations - short.run.request.workloadIterations)
        let growth = longLeaked - shortLeaked
        let rate = Double(growth) / Double(extra)
        let leak = growth >= minimumGrowth && rate >= minimumRate
        let note =
            "heaptrack: total memory leaked \(Format.bytes(shortLeaked)) after \(short.run.request.workloadIterations) workload iterations, "
            + "\(Format.bytes(longLeaked)) after \(long.run.request.workloadIterations) (same warm-up); "
            + String(format: "%+.1f B per extra iteration", rate)
            + " (leak from \(Int(minimumRate)) B per iteration and \(Format.bytes(minimumGrowth)) in all)"
            + (suppressionFile == nil ? "; no suppression file found" : "")
            + (overhead.map { String(format: "; overhead %.1fx the plain run", $0) } ?? "")
        return DetectorVerdict(
            detector: ExternalTool.heaptrack.rawValue, leak: leak, ratePerIteration: max(0, rate),
            confidence: leak ? (rate >= 64 ? 0.9 : 0.7) : (growth <= 0 ? 0.9 : 0.6),
            firstIteration: leak ? plain.warmUpIterations + n : nil, note: note, overhead: overhead)
    }

    struct Measured {
        var run: ToolRun.Result
        var summary: HeaptrackSummary?
        var printed: String
    }

    private static func measure(
        _ plan: RunPlan, workload: Int, heaptrack: String, printer: String, demangler: String?, host: String
    ) throws(RunnerError) -> Measured {
        let directory = try ToolFiles.temporaryDirectory("heaptrack")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let prefix = "\(directory)/run"
        var plan = plan
        plan.workloadIterations = workload
        let run = try ToolRun.run(
            plan, tool: .heaptrack, launcher: [heaptrack, "-o", prefix], hostExecutable: host, environment: [:])
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard let data = files.first(where: { $0.hasPrefix("run") }) else {
            return Measured(run: run, summary: nil, printed: "heaptrack wrote no data file; \(run.outputTail)")
        }
        let printed = "\(directory)/print.txt"
        _ = ToolFiles.runToEnd(
            printer,
            ["-f", "\(directory)/\(data)", "--print-peaks=0", "--print-allocators=0", "--print-temporary=0", "--print-leaks=0"]
                + (suppressionFile.map { ["--disable-builtin-suppressions", "--suppressions", $0] } ?? []),
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
