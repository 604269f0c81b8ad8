import Foundation
import LeakLabModel

/// LeakSanitizer as a detector: the variant runs in the AddressSanitizer build of the host and its
/// plugin (``SanitizedBuild``) with `ASAN_OPTIONS=detect_leaks=1`, twice (N and 2N workload
/// iterations, same warm-up); the growth of the direct + indirect leaks LeakSanitizer reports at
/// exit between the two runs is the verdict (``LossGrowth``).
///
/// The report goes to a file (`log_path`), not to stderr: LeakSanitizer runs at exit and the
/// child's output is only kept as a tail. The host's channel writes are unbuffered `write(2)`s,
/// so every sample and the final `finished` are out before LeakSanitizer takes over at exit.
enum LeakSanitizer {
    /// One run's report.
    struct Measurement {
        var summary: LeakSanitizerSummary
        var workloadIterations: Int
        var wallSeconds: Double
    }

    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String, log: (String) -> Void) -> DetectorVerdict {
        guard let root = ToolFiles.packageRoot(from: URL(fileURLWithPath: hostExecutable).deletingLastPathComponent().path) else {
            return .toolFailed(.lsan, "lsan needs the LeakLab package sources to build a sanitized host; none found above \(hostExecutable)")
        }
        let products: String
        switch SanitizedBuild.productsDirectory(root: root, log: log) {
        case .success(let directory): products = directory
        case .failure(let error): return .toolFailed(.lsan, error.description)
        }
        let n = plain.workloadIterations
        var runs: [Measurement] = []
        var overhead: Double?
        for workload in [n, 2 * n] {
            switch measure(plan, workload: workload, root: root, products: products) {
            case .failure(let failure):
                return .toolFailed(.lsan, failure.reason + (workload == n ? "" : " (the 2N run)"), overhead: overhead)
            case .success(let measured):
                if workload == n { overhead = ToolVerdict.overhead(tool: measured.wallSeconds, plain: plain.wallSeconds) }
                runs.append(measured)
            }
        }
        let short = runs[0], long = runs[1]
        let extra = Double(max(1, long.workloadIterations - short.workloadIterations))
        let objects = Double(long.summary.lostObjects - short.summary.lostObjects)
        let bytes = Double(long.summary.lostBytes - short.summary.lostBytes)
        let leak = LossGrowth.isLeak(objects, extraIterations: extra) && bytes > 0
        func figures(_ m: Measurement) -> String {
            "direct \(m.summary.directBytes) B in \(m.summary.directObjects) objects, indirect \(m.summary.indirectBytes) B in \(m.summary.indirectObjects)"
        }
        var note =
            "lsan at \(short.workloadIterations) it.: \(figures(short)); at \(long.workloadIterations) it.: \(figures(long)); "
            + String(format: "growth per iteration: %.2f objects (%.1f B)", objects / extra, bytes / extra)
            + " (\(LossGrowth.description))"
        if let other = long.summary.otherError ?? short.summary.otherError { note += "; also: \(other)" }
        if let overhead { note += String(format: "; overhead %.1fx the plain run", overhead) }
        return DetectorVerdict(
            detector: ExternalTool.lsan.rawValue, leak: leak, ratePerIteration: max(0, bytes / extra),
            confidence: leak ? 0.9 : 0.8, firstIteration: leak ? plain.warmUpIterations + n : nil,
            note: note, overhead: overhead)
    }

    struct Failure: Error { var reason: String }

    /// One run of `plan` with `workload` workload iterations in the sanitized build.
    static func measure(_ plan: RunPlan, workload: Int, root: String, products: String) -> Result<Measurement, Failure> {
        let sanitizedHost = "\(products)/leaklab-host"
        // The plugin's ASan twin when the lab builds it; a third-party plugin runs as it is
        // (its allocations still go through ASan's malloc, so its leaks are still seen).
        let pluginName = URL(fileURLWithPath: plan.entry.plugin.path).lastPathComponent
        let sanitizedPlugin = "\(products)/\(pluginName)"
        let pluginPath = FileManager.default.fileExists(atPath: sanitizedPlugin) ? sanitizedPlugin : plan.entry.plugin.path

        let reportPrefix = ToolFiles.temporaryPath("lsan")
        let options = ["detect_leaks=1", "log_path=\(reportPrefix)", "allocator_may_return_null=1", "handle_abort=1", "malloc_context_size=20"]
        var lsanOptions = ["report_objects=0"]
        if let suppressions = suppressionFile(root: root) { lsanOptions.append("suppressions=\(suppressions)") }
        var plan = plan
        plan.workloadIterations = workload
        let result: ToolRun.Result
        do {
            result = try ToolRun.run(
                plan, tool: .lsan, launcher: [], hostExecutable: sanitizedHost,
                environment: ["ASAN_OPTIONS": options.joined(separator: ":"), "LSAN_OPTIONS": lsanOptions.joined(separator: ":")],
                adjust: { $0.pluginPath = pluginPath })
        } catch {
            return .failure(Failure(reason: "cannot start the sanitized host: \(error)"))
        }
        // log_path gets the pid appended.
        let reports = reportFiles(prefix: reportPrefix)
        defer { reports.forEach { unlink($0) } }
        let report = reports.compactMap(ToolFiles.read).joined(separator: "\n")
        let summary = ToolReportParser.leakSanitizer(report)
        // A leak report makes the process exit 1 after `finished`: that is the expected end.
        if result.finished == false || result.failure != nil || result.termination.killedFor != nil {
            let detail = summary.otherError ?? Memcheck.lastLines(report.isEmpty ? result.outputTail : report)
            return .failure(Failure(reason: "the sanitized run \(result.problem ?? "did not finish"); \(detail)"))
        }
        return .success(Measurement(summary: summary, workloadIterations: result.request.workloadIterations, wallSeconds: result.wallSeconds))
    }

    static func suppressionFile(root: String) -> String? {
        let path = "\(root)/Scripts/lsan/swift.supp"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// `log_path=P` writes `P.<pid>`.
    static func reportFiles(prefix: String) -> [String] {
        let directory = URL(fileURLWithPath: prefix).deletingLastPathComponent().path
        let base = URL(fileURLWithPath: prefix).lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix(base) }.map { "\(directory)/\($0)" }
    }
}
