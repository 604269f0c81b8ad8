import Foundation
import Glibc
import LeakLabKit
import LeakLabModel

/// An external leak tool used as a detector: valgrind's memcheck, LeakSanitizer or heaptrack.
///
/// Unlike the built-in detectors, which judge a trace, a tool detector runs the variant again —
/// same scenario, variant, parameters and iterations — in a child of its own under the tool, and
/// turns the tool's report into a ``DetectorVerdict``. The child still streams its samples on the
/// lab's channel, so the run's outcome (finished, crashed, timed out) is known as for any run.
/// Tool runs use the glibc allocator: valgrind and ASan replace `malloc` themselves, and jemalloc's
/// own statistics would read 0 under them (docs/external-tools.md).
public enum ExternalTool: String, CaseIterable, Sendable {
    case memcheck
    case lsan
    case heaptrack
    case heapcheck
    case mtrace
    case memleak

    /// The names `--detectors` accepts for tools.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// One paragraph for `leaklab detectors`.
    public var summary: String {
        switch self {
        case .memcheck:
            "valgrind --leak-check=full --track-fds=yes on two runs of its own (N and 2N workload iterations, same warm-up; glibc allocator, ~15-40x slower). Leak when definitely + indirectly lost blocks, or fds open at exit, grow between the two runs (0.01 per extra iteration and 2 in all), after Scripts/valgrind/swift.supp removes the Swift runtime's own exit-time noise; possibly-lost growth is reported beside them. Sees unreachable memory (cycles, lost pointers) and fds: a cache that is still referenced is 'still reachable', not a leak. Needs valgrind (Scripts/setup installs it)."
        case .lsan:
            "LeakSanitizer in an AddressSanitizer build of the host and plugins (.build-asan, built on demand, ~1 min the first time), on two runs (N and 2N workload iterations, same warm-up). Leak when direct + indirect leaked objects grow between them (0.01 per extra iteration and 2 in all); Scripts/lsan/swift.supp removes the host's own exit-time objects. Like memcheck it sees only unreachable memory."
        case .heaptrack:
            "heaptrack on two runs (N and 2N workload iterations, same warm-up); the growth of 'total memory leaked' (everything not freed at exit, reachable or not) per extra iteration is the rate; leak from 8 B per iteration and 4 kB in all. Flags reachable growth too (caches, pools), so it cannot tell a cycle from a cache, and it flags bounded look-alikes that have not plateaued. Needs heaptrack (Scripts/setup installs it)."
        case .heapcheck:
            "gperftools' heap checker (HEAPCHECK=normal, the full tcmalloc of libgoogle-perftools4 preloaded) on two runs (N and 2N workload iterations, same warm-up). Leak when the objects of 'Leak check _main_ detected leaks of …' grow between them (0.01 per extra iteration and 2 in all) by more than a quarter of the first run's count: its scan is conservative and misses a few lost blocks, different ones in each run. Like LeakSanitizer it sees only unreachable memory. Needs libgoogle-perftools4 (Scripts/setup installs it)."
        case .mtrace:
            "glibc's mtrace (libc_malloc_debug.so preloaded, MALLOC_TRACE set, the trace replayed by the lab as glibc's mtrace script would) on two runs (N and 2N workload iterations, same warm-up): the growth of the memory not freed at exit, reachable or not, per extra iteration is the rate; leak from 8 B per iteration and 4 kB in all. Like heaptrack it cannot tell a cycle from a cache. Blocks from libdispatch's per-thread continuation cache are left out, as in heaptrack."
        case .memleak:
            "BCC's memleak (bpfcc-tools), eBPF uprobes on malloc/free. Needs eBPF, uprobes and kernel headers; where the kernel or the machine lacks them the detector says which and is skipped (a failed verdict), never passed."
        }
    }

    /// How much longer than its budget a run under the tool may take.
    var wallTimeFactor: Double {
        switch self {
        case .memcheck: 20
        case .lsan, .heaptrack, .heapcheck, .mtrace, .memleak: 5
        }
    }

    /// How much more resident memory a run under the tool may use (shadow memory, redzones).
    var memoryFactor: Int {
        switch self {
        case .memcheck: 3
        case .lsan: 4
        case .heaptrack, .heapcheck, .mtrace, .memleak: 2
        }
    }
}

/// Runs a tool detector on one plan. `plain` is the lab's ordinary run of the same plan: its wall
/// time is the denominator of the tool's overhead.
public struct ToolDetector: Sendable {
    public var tool: ExternalTool
    public var name: String { tool.rawValue }
    public var summary: String { tool.summary }
    /// The `leaklab-host` of the plain runs; the tool runs it (or its ASan twin) too.
    public var hostExecutable: String
    /// Progress messages (the ASan build), for stderr.
    public var log: @Sendable (String) -> Void

    public init(
        tool: ExternalTool, hostExecutable: String = Runner.besideCurrentExecutable().hostExecutable,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.tool = tool
        self.hostExecutable = hostExecutable
        self.log = log
    }

    /// The tool's verdict on `plan`. Never throws and never passes silently: a missing tool, a
    /// failed build or a run that did not finish is a failed verdict that says why.
    public func evaluate(plan: RunPlan, plain: RunRecord) -> DetectorVerdict {
        switch tool {
        case .memcheck: Memcheck.evaluate(plan: plan, plain: plain, hostExecutable: hostExecutable)
        case .lsan: LeakSanitizer.evaluate(plan: plan, plain: plain, hostExecutable: hostExecutable, log: log)
        case .heaptrack: Heaptrack.evaluate(plan: plan, plain: plain, hostExecutable: hostExecutable)
        case .heapcheck: HeapChecker.evaluate(plan: plan, plain: plain, hostExecutable: hostExecutable)
        case .mtrace: GlibcMtrace.evaluate(plan: plan, plain: plain, hostExecutable: hostExecutable)
        case .memleak: BCCMemleak.evaluate(plan: plan, plain: plain)
        }
    }
}

/// One child run under a tool: the host started through `launcher`, the channel read as usual.
struct ToolRun {
    /// How the child ended and what it said.
    struct Result {
        var termination: ChildProcess.Termination
        var finished: Bool
        var failure: (phase: Phase, message: String)?
        var samples: Int
        var outputTail: String
        var request: RunRequest

        var wallSeconds: Double { termination.wallSeconds }

        /// Why the run cannot be judged, or `nil` when it ran to its end.
        var problem: String? {
            if let reason = termination.killedFor {
                switch reason {
                case .wallTime(let seconds): return String(format: "timed out after %.1f s", seconds)
                case .memory(let rss): return "went over its memory budget (RSS \(Format.bytes(rss)))"
                default: return "was stopped by the runner: \(reason)"
                }
            }
            if let failure { return "the scenario failed in \(failure.phase.rawValue): \(failure.message)" }
            if !finished {
                if let signal = termination.signal { return "crashed with signal \(signal) after \(samples) samples" }
                // heaptrack runs the host as the child of a shell, which exits 128 + the signal.
                if let status = termination.exitStatus, status > 128, status < 128 + 65 {
                    return "crashed with signal \(status - 128) after \(samples) samples (exit status \(status) from the tool's shell)"
                }
                return "exited with status \(termination.exitStatus ?? -1) before finishing, after \(samples) samples"
            }
            return nil
        }
    }

    /// Runs `plan` (with `adjust` applied to its request) as `launcher + [host, requestJSON]`.
    ///
    /// - Parameters:
    ///   - environment: additions to the glibc child's environment (the tool's options).
    ///   - hostExecutable: the host to run (the ASan twin for lsan).
    static func run(
        _ plan: RunPlan, tool: ExternalTool, launcher: [String], hostExecutable: String,
        environment extra: [String: String], adjust: (inout RunRequest) -> Void = { _ in }
    ) throws(RunnerError) -> Result {
        var request = try plan.request()
        request.allocator = .glibc
        // RLIMIT_DATA is the child's backstop at twice the memory budget; ASan's shadow and
        // valgrind's own heap count toward it, so the tool child gets none. The runner still
        // watches its RSS against the budget times the tool's factor.
        request.budgets.memoryBytes = 1 << 60
        // The task scanner keeps copies of heap pages: memcheck would find pointers in them.
        request.countTasks = false
        adjust(&request)
        let json: String
        do {
            json = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        } catch {
            throw .internalFailure("cannot encode the run request: \(error)")
        }
        var environment = try ChildEnvironment.make(allocator: .glibc, mallocConf: nil)
        environment["MALLOC_CONF"] = nil
        // fd 3 is the channel: valgrind keeps its own fds above the soft limit, heaptrack's preload
        // opens its pipe after start-up (so above 3), ASan opens nothing below it.
        environment[ChildChannel.environmentKey] = String(ChildChannel.fileDescriptor)
        environment.merge(extra) { $1 }

        var budgets = plan.budgets
        budgets.wallSeconds *= tool.wallTimeFactor
        budgets.memoryBytes =
            budgets.memoryBytes.multipliedReportingOverflow(by: tool.memoryFactor).overflow
            ? Int.max : budgets.memoryBytes * tool.memoryFactor

        let executable = launcher.first ?? hostExecutable
        let arguments = Array(launcher.dropFirst()) + (launcher.isEmpty ? [] : [hostExecutable]) + [json]
        // valgrind runs the host in its own process; heaptrack's script runs it as a child of a shell.
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment,
            hostIsChild: launcher.isEmpty || tool == .memcheck, sampleRing: false)
        var finished = false
        var failure: (phase: Phase, message: String)?
        var samples = 0
        let termination = child.monitor(budgets: budgets) { message in
            switch message {
            case .hello, .census: break
            case .sample: samples += 1
            case .failed(let phase, let text): failure = (phase, text)
            case .finished: finished = true
            }
        }
        _ = child.killLeftovers(inCgroup: false)
        return Result(
            termination: termination, finished: finished, failure: failure, samples: samples,
            outputTail: child.outputTail(limit: 16_384), request: request)
    }
}

/// The rule every tool that counts lost blocks shares (memcheck, LeakSanitizer, the heap
/// checker): the variant runs under the tool twice, with the same warm-up and N and 2N workload
/// iterations, and a leak is what grows between the two reports. Losses paid once (set-up,
/// warm-up, the runtime's pool threads) are in both and cancel out; a block lost every 5th
/// iteration grows by 0.2 per iteration however large it is.
enum LossGrowth {
    /// Lost blocks (or fds) per extra iteration from which growth is a leak.
    static let minimumPerIteration = 0.01
    /// … and in all: one block more or less between two runs is not a leak.
    static let minimumInAll = 2.0

    /// Whether `growth` lost blocks over `extraIterations` is a leak.
    static func isLeak(_ growth: Double, extraIterations: Double) -> Bool {
        growth >= max(minimumInAll, minimumPerIteration * extraIterations)
    }

    /// The rule in words, for notes.
    static var description: String {
        String(format: "leak from %.2f per iteration and %.0f in all", minimumPerIteration, minimumInAll)
    }
}

enum ToolVerdict {
    /// Tool wall time ÷ plain wall time, when both are known.
    static func overhead(tool: Double, plain: Double) -> Double? {
        plain > 0 ? tool / plain : nil
    }
}

/// Finding programs and the lab's own files.
enum ToolFiles {
    /// `name` on PATH (plus the usual system directories), or `nil`.
    static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/opt/swift/usr/bin"]
        return directories.lazy.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The package root: the nearest directory above the products directory with a Package.swift.
    static func packageRoot(from directory: String = Paths.executableDirectory) -> String? {
        var url = URL(fileURLWithPath: directory)
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                FileManager.default.fileExists(atPath: url.appendingPathComponent("Scenarios").path)
            {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// A fresh path in the temporary directory.
    static func temporaryPath(_ suffix: String) -> String {
        "\(NSTemporaryDirectory())leaklab-\(getpid())-\(UUID().uuidString.prefix(8))-\(suffix)"
    }

    /// A fresh directory in the temporary directory.
    static func temporaryDirectory(_ suffix: String) throws(RunnerError) -> String {
        let path = temporaryPath(suffix)
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .internalFailure("cannot create \(path): \(error)")
        }
        return path
    }

    /// Runs a program to its end, stdout to `outputPath` (or discarded), stderr to `errorPath`.
    /// Returns the exit status.
    static func runToEnd(
        _ executable: String, _ arguments: [String], stdin inputPath: String? = nil,
        stdout outputPath: String?, stderr errorPath: String? = nil,
        environment: [String: String]? = nil, trackedAsChild: Bool = false
    ) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = inputPath.flatMap { FileHandle(forReadingAtPath: $0) } ?? FileHandle.nullDevice
        func sink(_ path: String?) -> FileHandle {
            guard let path else { return FileHandle.nullDevice }
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path) ?? FileHandle.nullDevice
        }
        let output = sink(outputPath)
        process.standardOutput = output
        // One handle when both go to the same file, so neither overwrites the other.
        process.standardError = errorPath != nil && errorPath == outputPath ? output : sink(errorPath)
        if trackedAsChild {
            // Recorded like a run's child, so an interrupted command kills its process group.
            let pid = ChildProcessGroups.spawning(cgroup: nil, token: "tool-\(UUID().uuidString)") {
                (try? process.run()).map { process.processIdentifier }
            }
            guard let pid else { return -1 }
            process.waitUntilExit()
            ChildProcessGroups.finished(pid)
        } else {
            do { try process.run() } catch { return -1 }
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}

extension DetectorVerdict {
    /// A tool detector that could not judge the run, with the tool's name and the reason.
    static func toolFailed(_ tool: ExternalTool, _ reason: String, overhead: Double? = nil) -> DetectorVerdict {
        var verdict = DetectorVerdict.failed(tool.rawValue, reason)
        verdict.overhead = overhead
        return verdict
    }
}
