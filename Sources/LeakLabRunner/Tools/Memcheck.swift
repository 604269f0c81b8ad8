import Foundation
import LeakLabModel

/// valgrind memcheck as a detector: the variant runs under
/// `valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=definite
/// --suppressions=Scripts/valgrind/swift.supp --xml=no --log-file=…` with the glibc allocator,
/// and the LEAK SUMMARY becomes the verdict.
enum Memcheck {
    static let missing = "valgrind is not installed: Scripts/setup installs it (LEAKLAB_SETUP_EXTRAS=\"valgrind heaptrack\" Scripts/setup)"

    /// The suppression file shipped with the lab, if the package root can be found.
    static var suppressionFile: String? {
        guard let root = ToolFiles.packageRoot() else { return nil }
        let path = "\(root)/Scripts/valgrind/swift.supp"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func arguments(logFile: String, suppressions: String?) -> [String] {
        ["--leak-check=full", "--show-leak-kinds=all", "--errors-for-leak-kinds=definite"]
            + (suppressions.map { ["--suppressions=\($0)"] } ?? [])
            + ["--xml=no", "--log-file=\(logFile)"]
    }

    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String) -> DetectorVerdict {
        guard let valgrind = ToolFiles.which("valgrind") else { return .toolFailed(.memcheck, missing) }
        let logFile = ToolFiles.temporaryPath("memcheck.log")
        defer { unlink(logFile) }
        let suppressions = suppressionFile
        let result: ToolRun.Result
        do {
            result = try ToolRun.run(
                plan, tool: .memcheck, launcher: [valgrind] + arguments(logFile: logFile, suppressions: suppressions),
                hostExecutable: hostExecutable, environment: [:])
        } catch {
            return .toolFailed(.memcheck, "cannot start valgrind: \(error)")
        }
        let overhead = ToolVerdict.overhead(tool: result.wallSeconds, plain: plain.wallSeconds)
        let log = ToolFiles.read(logFile) ?? ""
        if let problem = result.problem {
            return .toolFailed(.memcheck, "the run under valgrind \(problem); \(lastLines(log.isEmpty ? result.outputTail : log))", overhead: overhead)
        }
        guard let summary = ToolReportParser.memcheck(log) else {
            return .toolFailed(.memcheck, "valgrind printed no leak summary; \(lastLines(log.isEmpty ? result.outputTail : log))", overhead: overhead)
        }
        let iterations = result.request.warmUpIterations + result.request.workloadIterations
        let note = "memcheck: definitely lost \(summary.definitelyLost.bytes) B in \(summary.definitelyLost.blocks) blocks, "
            + "indirectly \(summary.indirectlyLost.bytes) B in \(summary.indirectlyLost.blocks), "
            + "possibly \(summary.possiblyLost.bytes) B in \(summary.possiblyLost.blocks), "
            + "still reachable \(summary.stillReachable.bytes) B in \(summary.stillReachable.blocks), "
            + "suppressed \(summary.suppressed.bytes) B (\(suppressions == nil ? "no suppression file found" : "swift.supp"))"
            + " over \(iterations) iterations"
        return ToolVerdict.make(
            detector: ExternalTool.memcheck.rawValue, lostBytes: summary.lost.bytes, lostBlocks: summary.lost.blocks,
            iterations: iterations, workloadIterations: result.request.workloadIterations, overhead: overhead, note: note)
    }

    static func lastLines(_ text: String, count: Int = 3) -> String {
        text.split(separator: "\n").suffix(count).joined(separator: " | ")
    }
}
