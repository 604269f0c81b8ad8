import Foundation
import LeakLabKit
import LeakLabModel

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
        let requestJSON: String
        do {
            requestJSON = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        } catch {
            throw .internalFailure("cannot encode the run request: \(error)")
        }
        guard FileManager.default.isExecutableFile(atPath: hostExecutable) else {
            throw .internalFailure("the child host \(hostExecutable) is missing; build with `swift build` (Scripts/lab does)")
        }
        let environment = try ChildEnvironment.make(allocator: plan.allocator, mallocConf: plan.mallocConf)
        let logPath = "\(NSTemporaryDirectory())leaklab-\(getpid())-\(UUID().uuidString.prefix(8)).log"

        let child = try ChildProcess(executable: hostExecutable, arguments: [requestJSON], environment: environment, logPath: logPath)
        onEvent(.started(pid: child.pid))

        var allocator = AllocatorReport(requested: plan.allocator, preloaded: environment["LD_PRELOAD"])
        var unavailable: [Metric] = []
        var samples: [Sample] = []
        var failure: (phase: Phase, message: String)?
        var finished = false
        let termination = child.monitor(budgets: plan.budgets) { message in
            switch message {
            case .hello(let report, let missing):
                allocator = report
                unavailable = missing
                onEvent(.allocator(report))
            case .sample(let sample):
                samples.append(sample)
                onEvent(.sample(sample))
            case .failed(let phase, let text):
                failure = (phase, text)
            case .finished:
                finished = true
            }
        }
        let output = child.takeOutputTail()
        let (outcome, detail) = Self.classify(
            termination: termination, finished: finished, failure: failure, samples: samples, budgets: plan.budgets)

        var record = RunRecord(
            scenario: plan.entry.scenario.id, variant: plan.variant.name,
            pattern: plan.entry.scenario.pattern.rawValue, role: plan.variant.role,
            plugin: plan.entry.plugin.name, allocator: allocator, parameters: request.parameters,
            warmUpIterations: request.warmUpIterations, workloadIterations: request.workloadIterations,
            sampleEvery: request.sampleEvery, truth: plan.variant.truth, outcome: outcome,
            outcomeDetail: detail, budgets: plan.budgets, wallSeconds: termination.wallSeconds,
            unavailableMetrics: unavailable, samples: samples,
            childOutput: output.isEmpty ? nil : output)
        record.mallocConf = environment["MALLOC_CONF"]
        if outcome == .completed { record.growth = Growth.measure(record.trace) }
        return record
    }

    /// Decides the outcome from how the child ended and what it said.
    static func classify(
        termination: ChildProcess.Termination, finished: Bool, failure: (phase: Phase, message: String)?,
        samples: [Sample], budgets: Budgets
    ) -> (RunOutcome, String?) {
        switch termination.killedFor {
        case .memory(let rss):
            return (.budgetExceeded, "memory: RSS \(Format.bytes(rss)) over the budget of \(Format.bytes(budgets.memoryBytes))")
        case .wallTime(let seconds):
            return (.timedOut, String(format: "ran %.1f s, over the budget of %.0f s; its process group was killed", seconds, budgets.wallSeconds))
        case nil:
            break
        }
        if let failure {
            // Running out of descriptors surfaces as an error from the scenario's own open().
            if let fds = samples.last?.fds, fds >= budgets.openFiles - 8 {
                return (.budgetExceeded, "open files: \(fds) open, budget \(budgets.openFiles); then: \(failure.message)")
            }
            return (.failed, "\(failure.phase.rawValue): \(failure.message)")
        }
        if let signal = termination.signal {
            let name = String(cString: strsignal(signal))
            return (.crashed, "killed by signal \(signal) (\(name)) after \(samples.count) samples")
        }
        if termination.exitStatus == 0 && finished {
            return (.completed, nil)
        }
        return (.crashed, "exited with status \(termination.exitStatus ?? -1) before finishing, after \(samples.count) samples")
    }
}
