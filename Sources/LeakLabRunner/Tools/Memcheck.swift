import Foundation
import LeakLabModel

/// valgrind memcheck as a detector: the variant runs under
/// `valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=definite
/// --suppressions=Scripts/valgrind/swift.supp --xml=no --log-file=…` with the glibc allocator,
/// `--track-fds=yes`, twice (N and 2N workload iterations): the growth of the LEAK SUMMARY's
/// lost blocks and of the fds open at exit between the two runs becomes the verdict.
public enum Memcheck {
    static let missing = "valgrind is not installed: Scripts/setup installs it (LEAKLAB_SETUP_EXTRAS=\"valgrind heaptrack\" Scripts/setup)"

    /// The suppression file shipped with the lab, if the package root can be found.
    static var suppressionFile: String? {
        guard let root = ToolFiles.packageRoot() else { return nil }
        let path = "\(root)/Scripts/valgrind/swift.supp"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func arguments(logFile: String, suppressions: String?) -> [String] {
        ["--leak-check=full", "--show-leak-kinds=all", "--errors-for-leak-kinds=definite", "--track-fds=yes"]
            + (suppressions.map { ["--suppressions=\($0)"] } ?? [])
            + ["--xml=no", "--log-file=\(logFile)"]
    }

    /// Why a run under valgrind gave no summary.
    struct Failure: Error { var reason: String }

    /// One run under valgrind: its leak summary and the fds open at exit.
    struct Measurement {
        var summary: MemcheckSummary
        var openFds: Int?
        var iterations: Int
        var wallSeconds: Double
    }

    /// Runs `plan` with `workload` workload iterations under memcheck.
    static func measure(_ plan: RunPlan, workload: Int?, valgrind: String, hostExecutable: String) -> Result<Measurement, Failure> {
        let logFile = ToolFiles.temporaryPath("memcheck.log")
        defer { unlink(logFile) }
        var plan = plan
        if let workload { plan.workloadIterations = workload }
        let result: ToolRun.Result
        do {
            result = try ToolRun.run(
                plan, tool: .memcheck, launcher: [valgrind] + arguments(logFile: logFile, suppressions: suppressionFile),
                hostExecutable: hostExecutable, environment: [:])
        } catch {
            return .failure(Failure(reason: "cannot start valgrind: \(error)"))
        }
        let log = ToolFiles.read(logFile) ?? ""
        if let problem = result.problem {
            return .failure(Failure(reason: "the run under valgrind \(problem); \(lastLines(log.isEmpty ? result.outputTail : log))"))
        }
        guard let summary = ToolReportParser.memcheck(log) else {
            return .failure(Failure(reason: "valgrind printed no leak summary; \(lastLines(log.isEmpty ? result.outputTail : log))"))
        }
        return .success(
            Measurement(
                summary: summary, openFds: openFileDescriptors(log),
                iterations: result.request.workloadIterations, wallSeconds: result.wallSeconds))
    }

    /// `FILE DESCRIPTORS: N open (3 std) at exit.` from `--track-fds=yes`, the last one printed.
    static func openFileDescriptors(_ log: String) -> Int? {
        var count: Int?
        for line in log.split(separator: "\n") {
            guard let range = line.range(of: "FILE DESCRIPTORS: ") else { continue }
            count = Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return count
    }

    /// The variant under memcheck twice, with N and 2N workload iterations and the same warm-up:
    /// a leak is what grows between them — definitely + indirectly lost blocks, or fds open at
    /// exit — as ``LossGrowth`` says. Losses paid once
    /// (set-up, the runtime's pool threads) are in both runs and cancel out; a block lost every
    /// 5th iteration grows by 0.2 per iteration.
    static func evaluate(plan: RunPlan, plain: RunRecord, hostExecutable: String) -> DetectorVerdict {
        guard let valgrind = ToolFiles.which("valgrind") else { return .toolFailed(.memcheck, missing) }
        let n = plain.workloadIterations
        let short: Measurement, long: Measurement
        switch measure(plan, workload: n, valgrind: valgrind, hostExecutable: hostExecutable) {
        case .failure(let failure): return .toolFailed(.memcheck, failure.reason)
        case .success(let measured): short = measured
        }
        switch measure(plan, workload: 2 * n, valgrind: valgrind, hostExecutable: hostExecutable) {
        case .failure(let failure): return .toolFailed(.memcheck, failure.reason + " (the 2N run)")
        case .success(let measured): long = measured
        }
        let overhead = ToolVerdict.overhead(tool: short.wallSeconds, plain: plain.wallSeconds)
        let extra = Double(max(1, long.iterations - short.iterations))
        let blocks = Double(long.summary.lost.blocks - short.summary.lost.blocks)
        let bytes = Double(long.summary.lost.bytes - short.summary.lost.bytes)
        let possible = Double(long.summary.possiblyLost.bytes - short.summary.possiblyLost.bytes)
        let fds = zip(long.openFds, short.openFds).map { Double($0 - $1) }
        let heapLeak = LossGrowth.isLeak(blocks, extraIterations: extra) && bytes > 0
        let fdLeak = LossGrowth.isLeak(fds ?? 0, extraIterations: extra)
        let leak = heapLeak || fdLeak
        func figures(_ m: Measurement) -> String {
            "definitely lost \(m.summary.definitelyLost.bytes) B in \(m.summary.definitelyLost.blocks), "
                + "indirectly \(m.summary.indirectlyLost.bytes) B in \(m.summary.indirectlyLost.blocks), "
                + "possibly \(m.summary.possiblyLost.bytes) B in \(m.summary.possiblyLost.blocks), "
                + "still reachable \(m.summary.stillReachable.bytes) B, fds open at exit \(m.openFds.map(String.init) ?? "?")"
        }
        let note =
            "memcheck at \(short.iterations) it.: \(figures(short)); at \(long.iterations) it.: \(figures(long)); "
            + "growth per iteration: \(String(format: "%.2f", blocks / extra)) lost blocks (\(String(format: "%.1f", bytes / extra)) B), "
            + "possibly lost \(String(format: "%.1f", possible / extra)) B, fds \(fds.map { String(format: "%.2f", $0 / extra) } ?? "?")"
            + " (\(LossGrowth.description))"
            + (suppressionFile == nil ? "; no suppression file found" : "")
            + (overhead.map { String(format: "; overhead %.1fx the plain run", $0) } ?? "")
        var verdict = DetectorVerdict(
            detector: ExternalTool.memcheck.rawValue, leak: leak, ratePerIteration: bytes / extra,
            resourceRates: fds.map { ["fds": $0 / extra] }, confidence: leak ? 0.9 : 0.8,
            firstIteration: leak ? plain.warmUpIterations + n : nil, note: note)
        verdict.overhead = overhead
        return verdict
    }

    static func lastLines(_ text: String, count: Int = 3) -> String {
        text.split(separator: "\n").suffix(count).joined(separator: " | ")
    }
}

/// Both values, or `nil`.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
