import Foundation
import LeakLabKit
import LeakLabModel
import SystemPackage

/// Runs variants, each in a fresh child process, and turns what the child streamed into a
/// ``RunRecord``. A child that crashes, hangs or goes over budget still yields its samples.
public struct Runner: Sendable {
    /// What a run reports while it goes, for live views.
    public enum Event: Sendable {
        case started(pid: Int32)
        case allocator(AllocatorReport)
        case sample(Sample)
    }

    /// The `leaklab-host` executable.
    public var hostExecutable: String

    public init(hostExecutable: String) {
        self.hostExecutable = hostExecutable
    }

    /// The host beside the running executable (both are products of the same build).
    public static func besideCurrentExecutable() -> Runner {
        Runner(hostExecutable: "\(Paths.executableDirectory)/leaklab-host")
    }

    /// Runs one plan to its end and returns the record. Only a plan that cannot start throws;
    /// everything that happens once the child runs is an outcome.
    public func run(_ plan: RunPlan, onEvent: (Event) -> Void = { _ in }) throws(RunnerError) -> RunRecord {
        let request = try plan.request()
        let truth = try plan.truth()
        let requestJSON: String
        do {
            requestJSON = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        } catch {
            throw .internalFailure("cannot encode the run request: \(error)")
        }
        guard FileManager.default.isExecutableFile(atPath: hostExecutable) else {
            throw .internalFailure("the child host \(hostExecutable) is missing; build with `swift build` (Scripts/lab does)")
        }
        let settings = try plan.allocatorSettings()
        var environment = try ChildEnvironment.make(allocator: plan.allocator, mallocConf: plan.mallocConf, options: settings)
        // The run's cgroups where they can be made; the child joins them before loading plugin code.
        RunCgroupMoveLock.keepReady(forSeconds: Self.moveLockReadySeconds)
        let cgroup = RunCgroup(budgets: plan.budgets)
        defer { cgroup?.remove() }
        if let cgroup { environment[ContainmentChannel.cgroupProcsKey] = cgroup.procsPaths.joined(separator: ":") }

        let child = try ChildProcess(
            executable: hostExecutable, arguments: [requestJSON], environment: environment, cgroup: cgroup)
        cgroup?.admit(child.pid)
        onEvent(.started(pid: child.pid))
        var joinedCgroup = false

        var allocator = AllocatorReport(requested: plan.allocator, preloaded: environment["LD_PRELOAD"])
        var unavailable: [Metric] = []
        var samples: [Sample] = []
        var census: TaskCensus?
        var failure: (phase: Phase, message: String)?
        var finished = false
        let termination = child.monitor(budgets: plan.budgets, exitGraceSeconds: Self.exitGraceSeconds) { message in
            switch message {
            case .hello(let report, let missing):
                // The child joins its group before it says hello.
                if let cgroup, !joinedCgroup { joinedCgroup = cgroup.contains(child.pid) }
                allocator = report
                unavailable = missing
                onEvent(.allocator(report))
            case .sample(let sample):
                samples.append(sample)
                onEvent(.sample(sample))
            case .census(let taken):
                census = taken
            case .failed(let phase, let text):
                failure = (phase, text)
            case .finished:
                finished = true
            }
        }
        if let cgroup, !joinedCgroup { joinedCgroup = cgroup.contains(child.pid) }  // a child that never said hello
        let leftovers = child.killLeftovers(inCgroup: joinedCgroup)
        let output = child.outputTail()
        let inGroup = joinedCgroup ? cgroup : nil
        let containment = Containment(
            kind: inGroup?.kind, cgroupLimit: inGroup?.memoryLimit, oomKills: inGroup?.oomKills() ?? 0,
            pidsLimit: inGroup?.pidsLimit, pidsRefused: inGroup?.pidsRefused() ?? 0, groupPeak: inGroup?.memoryPeak())
        let report = ContainmentReport(
            cgroup: inGroup?.kind.rawValue ?? "none", killedLeftovers: leftovers,
            outputBytes: termination.outputBytes, outputKeptBytes: termination.outputKeptBytes,
            undecodableLines: termination.undecodableLines, overlongLines: termination.overlongLines,
            discardedChannelBytes: termination.discardedChannelBytes, groupMemoryPeak: containment.groupPeak,
            pidsRefused: inGroup?.pidsLimit == nil ? nil : containment.pidsRefused)
        var (outcome, detail) = Self.classify(
            termination: termination, finished: finished, failure: failure, samples: samples, budgets: plan.budgets,
            containment: containment, output: output)
        if !report.notes.isEmpty { detail = ([detail].compactMap { $0 } + report.notes).joined(separator: "; ") }

        var record = RunRecord(
            scenario: plan.entry.scenario.id, variant: plan.variant.name,
            pattern: plan.entry.scenario.pattern.rawValue, role: plan.variant.role,
            plugin: plan.entry.plugin.name, allocator: allocator, parameters: request.parameters,
            warmUpIterations: request.warmUpIterations, workloadIterations: request.workloadIterations,
            sampleEvery: request.sampleEvery, truth: truth, outcome: outcome,
            outcomeDetail: detail, budgets: plan.budgets, wallSeconds: termination.wallSeconds,
            unavailableMetrics: unavailable, samples: samples,
            childOutput: output.isEmpty ? nil : output)
        record.mallocConf = environment["MALLOC_CONF"]
        record.peakRSS = termination.peakRSS > 0 ? termination.peakRSS : samples.compactMap(\.rss).max()
        record.memoryContainment = inGroup?.kind.rawValue ?? "watchdog"
        record.containment = report
        record.allocatorOptions = settings.applied.isEmpty ? nil : settings.applied
        record.census = census?.symbolized()
        if outcome == .completed { record.growth = Growth.measure(record.trace, judgedAgainst: truth, workloadIterations: request.workloadIterations) }
        return record
    }

    /// What the kernel did to the child besides what the runner saw.
    struct Containment {
        /// The cgroups the child was in, if any.
        var kind: RunCgroupSupport.Kind?
        /// memory.max / memory.limit_in_bytes of the run's group, when the child was in one.
        var cgroupLimit: Int?
        /// `oom_kill` from the group's memory.events (v2) or memory.oom_control (v1).
        var oomKills = 0
        /// pids.max, and how many forks or thread creations it refused.
        var pidsLimit: Int?
        var pidsRefused = 0
        /// The memory group's peak charge, bytes.
        var groupPeak: Int?
    }

    /// What a child prints when an allocation fails: jemalloc, the Swift runtime, glibc, Foundation.
    static let outOfMemoryMarks = [
        "out of memory", "Could not allocate memory", "Cannot allocate memory", "failed to allocate",
        "allocation failed",
    ]

    /// Decides the outcome from how the child ended and what it said.
    /// The reason in the Swift runtime's crash report (`*** Program crashed: Bad pointer
    /// dereference at 0x0 ***`), if the child's output holds one.
    public static func crashReport(in output: String) -> String? {
        guard let start = output.range(of: "*** Program crashed: ") else { return nil }
        let rest = output[start.upperBound...]
        let line = rest.prefix { $0 != "\n" }
        let reason = line.hasSuffix(" ***") ? line.dropLast(4) : line
        return String(reason.prefix(200))
    }

    /// How long a child may take to exit after it reported the end of its run: the host exits
    /// within milliseconds; a scenario's `atexit` handler that hangs would otherwise hold the run
    /// until the wall-time budget (120 s by default). Capped by that budget.
    static let exitGraceSeconds = 5.0
    /// How long after a run starts the cgroup move lock is kept ready (``RunCgroupMoveLock``):
    /// the next run of a matrix starts well within it; a lone run has long moved in.
    static let moveLockReadySeconds = 1.0

    static func classify(
        termination: ChildProcess.Termination, finished: Bool, failure: (phase: Phase, message: String)?,
        samples: [Sample], budgets: Budgets, containment: Containment = Containment(), output: String = ""
    ) -> (RunOutcome, String?) {
        let peak = termination.peakRSS > 0 ? ", peak RSS \(Format.bytes(termination.peakRSS))" : ""
        switch termination.killedFor {
        case .memory(let rss):
            return (.budgetExceeded, "memory: RSS \(Format.bytes(rss)) over the budget of \(Format.bytes(budgets.memoryBytes)); its process group was killed")
        case .threads(let count):
            return (.budgetExceeded, "threads: \(count) threads over the budget of \(budgets.threads); its process group was killed")
        case .wallTime(let seconds):
            return (
                .timedOut,
                String(format: "ran %.1f s, over the budget of %.0f s; its process group was killed", seconds, budgets.wallSeconds)
                    + " (after \(samples.count) samples)"
            )
        case .exitHang(let seconds):
            // Every phase ran and every sample is in: what the run measured stands.
            return (
                finished && failure == nil ? .completed : .crashed,
                String(
                    format:
                        "reported the end of its run but had not exited %.1f s later (an atexit handler or a destructor that blocks?); its process group was killed",
                    seconds)
            )
        case nil:
            break
        }
        if containment.oomKills > 0, let limit = containment.cgroupLimit {
            let file = containment.kind == .v1 ? "cgroup v1 memory.limit_in_bytes" : "cgroup v2 memory.max"
            let group = containment.groupPeak.map { ", group peak \(Format.bytes($0)) (tmpfs and memfd pages count, RSS does not show them)" } ?? ""
            return (
                .budgetExceeded,
                "memory: the run's \(file) of \(Format.bytes(limit)) (budget \(Format.bytes(budgets.memoryBytes)) + margin) was reached and the kernel's OOM killer stopped it\(group)\(peak)"
            )
        }
        let finishedCleanly = termination.exitStatus == 0 && finished
        if containment.pidsRefused > 0, let limit = containment.pidsLimit, !finishedCleanly {
            let then = failure.map { "; then \($0.phase.rawValue): \($0.message)" } ?? "; the child then ended (\(Self.ending(termination)))"
            return (
                .budgetExceeded,
                "threads: pids.max of \(limit) (the thread budget of \(budgets.threads) + margin) refused \(containment.pidsRefused) new thread\(containment.pidsRefused == 1 ? "" : "s") or process\(containment.pidsRefused == 1 ? "" : "es")\(then)"
            )
        }
        if let failure {
            // Running out of descriptors surfaces as an error from the scenario's own open().
            let fds = samples.last?.fds ?? 0
            if fds >= budgets.openFiles - 8 || failure.message.contains(Errno.tooManyOpenFiles.description) {
                return (
                    .budgetExceeded,
                    "open files: the budget of \(budgets.openFiles) (RLIMIT_NOFILE) ran out; then \(failure.phase.rawValue): \(failure.message)"
                )
            }
            return (.failed, "\(failure.phase.rawValue): \(failure.message)")
        }
        let allocationFailed = outOfMemoryMarks.contains { output.localizedCaseInsensitiveContains($0) }
        if !(termination.exitStatus == 0 && finished),
            allocationFailed || termination.peakDataBytes >= budgets.dataLimitBytes - (64 << 20)
        {
            return (
                .budgetExceeded,
                "memory: an allocation failed at the RLIMIT_DATA backstop of \(Format.bytes(budgets.dataLimitBytes))\(peak); the child then died (\(Self.ending(termination)))"
            )
        }
        if let signal = termination.signal {
            let name = String(cString: strsignal(signal))
            return (.crashed, "killed by signal \(signal) (\(name)) after \(samples.count) samples")
        }
        // A child that reached its fd budget and carried on (ignoring EMFILE) did not run the
        // workload it was asked to: what it opened after that failed.
        if let peakFDs = samples.compactMap(\.fds).max(), peakFDs >= budgets.openFiles - 8 {
            return (
                .budgetExceeded,
                "open files: the child reached its budget of \(budgets.openFiles) (RLIMIT_NOFILE, \(peakFDs) open); what it opened after that failed"
            )
        }
        if termination.exitStatus == 0 && finished {
            if let report = Self.crashReport(in: output) {
                return (
                    .completed,
                    "the Swift runtime printed a crash report (\(report)) and the process carried on: a signal the code raised itself (raise, kill) was handled by the runtime's backtracer and returned; a real fault would have ended the run as crashed"
                )
            }
            return (.completed, nil)
        }
        if termination.exitStatus == ChildChannel.channelClosedStatus {
            return (
                .crashed,
                "the scenario closed the lab's channel (fd 3), so the host could not report and stopped (status \(ChildChannel.channelClosedStatus)) after \(samples.count) samples"
            )
        }
        if termination.exitStatus == ChildChannel.runnerGoneStatus {
            return (
                .crashed, "the host found the lab's channel (fd 3) broken and stopped (status \(ChildChannel.runnerGoneStatus)) after \(samples.count) samples"
            )
        }
        if termination.exitStatus == 0 {
            return (.crashed, "exited before finishing (status 0, without reporting the end of its phases) after \(samples.count) samples")
        }
        return (.crashed, "exited before finishing (status \(termination.exitStatus ?? -1)) after \(samples.count) samples")
    }

    private static func ending(_ termination: ChildProcess.Termination) -> String {
        if let signal = termination.signal { return "signal \(signal), \(String(cString: strsignal(signal)))" }
        return "exit status \(termination.exitStatus ?? -1)"
    }
}
