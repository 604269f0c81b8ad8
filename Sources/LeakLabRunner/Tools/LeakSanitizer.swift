import Foundation
import LeakLabModel

/// LeakSanitizer as a detector: the variant runs in the AddressSanitizer build of the host and its
/// plugin (``SanitizedBuild``) with `ASAN_OPTIONS=detect_leaks=1`; the direct and indirect leak
/// records LeakSanitizer writes at exit become the verdict.
///
/// The report goes to a file (`log_path`), not to stderr: LeakSanitizer runs at exit and the
/// child's output is only kept as a tail. The host's channel writes are unbuffered `write(2)`s,
/// so every sample and the final `finished` are out before LeakSanitizer takes over at exit.
enum LeakSanitizer {
    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String, log: (String) -> Void) -> DetectorVerdict {
        guard let root = ToolFiles.packageRoot(from: URL(fileURLWithPath: hostExecutable).deletingLastPathComponent().path) else {
            return .toolFailed(.lsan, "lsan needs the LeakLab package sources to build a sanitized host; none found above \(hostExecutable)")
        }
        let products: String
        switch SanitizedBuild.productsDirectory(root: root, log: log) {
        case .success(let directory): products = directory
        case .failure(let error): return .toolFailed(.lsan, error.description)
        }
        let sanitizedHost = "\(products)/leaklab-host"
        // The plugin's ASan twin when the lab builds it; a third-party plugin runs as it is
        // (its allocations still go through ASan's malloc, so its leaks are still seen).
        let pluginName = URL(fileURLWithPath: plan.entry.plugin.path).lastPathComponent
        let sanitizedPlugin = "\(products)/\(pluginName)"
        let pluginPath = FileManager.default.fileExists(atPath: sanitizedPlugin) ? sanitizedPlugin : plan.entry.plugin.path

        let reportPrefix = ToolFiles.temporaryPath("lsan")
        var options = ["detect_leaks=1", "log_path=\(reportPrefix)", "allocator_may_return_null=1", "handle_abort=1"]
        options.append("malloc_context_size=20")
        var lsanOptions = ["report_objects=0"]
        if let suppressions = suppressionFile(root: root) { lsanOptions.append("suppressions=\(suppressions)") }
        let result: ToolRun.Result
        do {
            result = try ToolRun.run(
                plan, tool: .lsan, launcher: [], hostExecutable: sanitizedHost,
                environment: ["ASAN_OPTIONS": options.joined(separator: ":"), "LSAN_OPTIONS": lsanOptions.joined(separator: ":")],
                adjust: { $0.pluginPath = pluginPath })
        } catch {
            return .toolFailed(.lsan, "cannot start the sanitized host: \(error)")
        }
        // log_path gets the pid appended.
        let reports = reportFiles(prefix: reportPrefix)
        defer { reports.forEach { unlink($0) } }
        let report = reports.compactMap(ToolFiles.read).joined(separator: "\n")
        let overhead = ToolVerdict.overhead(tool: result.wallSeconds, plain: plain.wallSeconds)
        let summary = ToolReportParser.leakSanitizer(report)
        // A leak report makes the process exit 1 after `finished`: that is the expected end.
        if result.finished == false || result.failure != nil || result.termination.killedFor != nil {
            let detail = summary.otherError ?? Memcheck.lastLines(report.isEmpty ? result.outputTail : report)
            return .toolFailed(.lsan, "the sanitized run \(result.problem ?? "did not finish"); \(detail)", overhead: overhead)
        }
        let iterations = result.request.warmUpIterations + result.request.workloadIterations
        var note = "lsan: direct \(summary.directBytes) B in \(summary.directObjects) objects, indirect \(summary.indirectBytes) B in \(summary.indirectObjects) over \(iterations) iterations"
        if let other = summary.otherError { note += "; also: \(other)" }
        return ToolVerdict.make(
            detector: ExternalTool.lsan.rawValue, lostBytes: summary.lostBytes, lostBlocks: summary.lostObjects,
            iterations: iterations, workloadIterations: result.request.workloadIterations, overhead: overhead, note: note)
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
