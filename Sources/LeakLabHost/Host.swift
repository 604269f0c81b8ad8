import Dispatch
import FoundationEssentials
import Glibc
import LeakLabKit
import LeakLabModel
import LeakLabProbes

/// The child process: runs one variant of one scenario and streams what it measures.
///
/// Its `main` is synchronous — valgrind cannot run a Swift async main — and waits on a semaphore
/// while the scenario runs as a task on the concurrency runtime's own threads.
public enum Host {
    /// Exit codes the runner reads besides the messages.
    public enum ExitCode: Int32 {
        case finished = 0
        case scenarioFailed = 1
        case badRequest = 2
        case internalError = 3
        /// Writing to the runner failed with EPIPE: the runner has gone.
        case runnerGone = 4  // ChildChannel.runnerGoneStatus
        /// Writing to the runner failed with EBADF or the like: the scenario closed (or replaced)
        /// the lab's channel, fd 3.
        case channelClosed = 5  // ChildChannel.channelClosedStatus
    }

    /// The request, decoded in a frame of its own so that its bytes are freed before the run.
    ///
    /// `main` never returns, so a `Data` made in its frame is never released; once the optimiser
    /// no longer keeps its address anywhere, the heap checker's conservative scan at exit calls
    /// it lost (two objects, the request's length plus 65 B) on some runs and not on others, which
    /// was noise in every tool verdict that counts lost blocks.
    static func decodeRequest(_ argument: String) -> RunRequest? {
        try? JSONDecoder().decode(RunRequest.self, from: Data(argument.utf8))
    }

    /// Writes `text` to `fd` in full, ignoring a failure (the host links FoundationEssentials
    /// only, which has no FileHandle: Foundation and its ICU cost every child ~5 ms to load).
    static func write(_ text: String, to fd: Int32) {
        _ = Array(text.utf8).withUnsafeBytes { FileDescriptorWrite.all($0, to: fd) }
    }

    public static func main(arguments: [String]) -> Never {
        ResourceLimits.dieWithRunner()
        MallocTrace.startIfRequested()
        signal(SIGPIPE, SIG_IGN)
        if arguments.count == 3, arguments[1] == PluginCheckProtocol.argument { PluginCheck.run(path: arguments[2]) }
        guard arguments.count == 2, let request = decodeRequest(arguments[1]) else {
            write("leaklab-host: expects one argument, a RunRequest as JSON; it is started by `leaklab`, not by hand\n", to: STDERR_FILENO)
            exit(ExitCode.badRequest.rawValue)
        }
        ResourceLimits.apply(request.budgets)
        let fd = ProcessInfo.processInfo.environment[ChildChannel.environmentKey].flatMap { Int32($0) } ?? ChildChannel.fileDescriptor
        let channel = ChannelWriter(fd: fd, ring: ChannelWriter.openRing(environment: ProcessInfo.processInfo.environment))

        let detected = AllocatorDetection.detect()
        let probes: ProbeSet
        do {
            probes = try ProbeSet(active: detected.allocator, countTasks: request.countTasks)
            if let reason = probes.tasksUnavailableReason {
                write("leaklab-host: tasks cannot be counted: \(reason)\n", to: STDERR_FILENO)
            }
        } catch {
            channel.send(.failed(phase: .setUp, message: String(describing: error)))
            exit(ExitCode.internalError.rawValue)
        }
        let report = AllocatorReport(
            requested: request.allocator, active: detected.allocator, library: detected.library,
            preloaded: ProcessInfo.processInfo.environment["LD_PRELOAD"], version: probes.allocatorProbe?.version)
        channel.send(.hello(allocator: report, unavailableMetrics: probes.unavailableMetrics))

        let workload: any ScenarioWorkload
        let context: ScenarioContext
        do {
            let manifest = try PluginLoader.load(path: request.pluginPath)
            guard let scenario = manifest.scenarios.first(where: { $0.id == request.scenario }),
                let variant = scenario.variant(named: request.variant)
            else {
                channel.send(.failed(phase: .setUp, message: "\(request.pluginPath) has no variant \(request.scenario)/\(request.variant)"))
                exit(ExitCode.badRequest.rawValue)
            }
            let parameters = try ParameterValues(specs: scenario.allParameters, overrides: request.parameters)
            context = ScenarioContext(
                parameters: parameters, warmUpIterations: request.warmUpIterations,
                workloadIterations: request.workloadIterations)
            workload = try variant.makeWorkload(parameters)
        } catch {
            channel.send(.failed(phase: .setUp, message: String(describing: error)))
            exit(ExitCode.scenarioFailed.rawValue)
        }

        let sampler = Sampler(probes: probes, channel: channel)
        let driver = ScenarioDriver(request: request, workload: workload, context: context, sampler: sampler)
        let outcome = runToCompletion(driver)
        channel.send(outcome)
        // Exit without waiting for tasks the scenario leaked on purpose.
        exit(outcome == .finished ? ExitCode.finished.rawValue : ExitCode.scenarioFailed.rawValue)
    }

    /// Runs the driver on the concurrency runtime and blocks this (main) thread until it ends —
    /// and until the driver's task has been torn down, so that what is left on the heap at exit
    /// is the same on every run.
    ///
    /// Why a second task: a task that signals the main thread itself does so before the runtime
    /// tears it down (its task-local allocator's slabs, ~1–6 KiB of async frames, its closure
    /// context), so a tool's exit snapshot (heaptrack, memcheck's still-reachable) would see them
    /// on some runs and not on others. The runtime frees a task's slabs and closure context
    /// *before* it completes the task's future and wakes the tasks awaiting it, so a joiner that
    /// awaits `value` runs only after that (or at once, if the driver's task is already done).
    /// The joiner starts only once the driver's body has returned, so no census ever sees it; it
    /// captures nothing (no closure context of its own to free late) and its one tiny frame fits
    /// in its task's inline slab; both tasks' handles stay in ``HostJoin`` until exit, so no task
    /// object is freed after the signal.
    private static func runToCompletion(_ driver: ScenarioDriver) -> ChildMessage {
        let box = ResultBox(driver: driver)
        HostJoin.workload = Task.detached {
            box.result = await box.driver.run()
            HostJoin.bodyDone.signal()
        }
        HostJoin.bodyDone.wait()
        HostJoin.joiner = Task.detached {
            await HostJoin.workload?.value
            HostJoin.torndown.signal()
        }
        HostJoin.torndown.wait()
        return box.result ?? .failed(phase: .tearDown, message: "the driver ended without a result")
    }
}

/// The handles of the driver's task and of the task that awaits it, kept until the process
/// exits (see `Host.runToCompletion`). Each is written by the main thread before any task reads it.
private enum HostJoin {
    nonisolated(unsafe) static var workload: Task<Void, Never>?
    nonisolated(unsafe) static var joiner: Task<Void, Never>?
    /// The driver's body has returned (its task may still be finishing).
    static let bodyDone = DispatchSemaphore(value: 0)
    /// The driver's task has been torn down.
    static let torndown = DispatchSemaphore(value: 0)
}

/// Carries the driver into the task and its result out; the join orders the accesses.
private final class ResultBox: @unchecked Sendable {
    let driver: ScenarioDriver
    var result: ChildMessage?
    init(driver: ScenarioDriver) { self.driver = driver }
}
