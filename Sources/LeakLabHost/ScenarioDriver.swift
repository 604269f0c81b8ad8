import CLeakLabShims
import Dispatch
import LeakLabKit
import LeakLabModel
import LeakLabProbes

/// Runs one variant through its phases, sampling at every phase change, every `sampleEvery`
/// iterations, and every few milliseconds in settle until the process is still (``SettleWatch``).
final class ScenarioDriver {
    private let request: RunRequest
    private let workload: any ScenarioWorkload
    private let context: ScenarioContext
    private let sampler: Sampler
    private let noise: NoiseHeap

    init(request: RunRequest, workload: any ScenarioWorkload, context: ScenarioContext, sampler: Sampler) {
        self.request = request
        self.workload = workload
        self.context = context
        self.sampler = sampler
        self.noise = NoiseHeap(parameters: context.parameters)
    }

    /// Runs every phase; returns the message that ends the run.
    func run() async -> ChildMessage {
        var phase = Phase.setUp
        do {
            context._enter(.setUp)
            await RuntimeWarmUp.fillDispatchCaches()
            try sampler.take(phase: .setUp, iteration: 0)
            noise.fill()
            // The settle phase sleeps; the first sleep sets up the runtime's timer machinery (and
            // with it ~200 KiB), which would otherwise show up as growth during settle.
            try await Task.sleep(for: .milliseconds(1))
            await Self.pause(milliseconds: 1)  // lets that sleep's wake-up task end before tasks are counted
            try await workload.setUp(context: context)
            try sampler.take(phase: .setUp, iteration: 0)

            var completed = 0
            for (iterationPhase, count) in [(Phase.warmUp, request.warmUpIterations), (.workload, request.workloadIterations)] {
                phase = iterationPhase
                context._enter(iterationPhase)
                var checkpoints = TaskCountCheckpoints(iterations: iterationPhase == .workload ? count : 0)
                for index in 0..<count {
                    noise.churn()
                    try await workload.iteration(completed, context: context)
                    completed += 1
                    if completed % request.sampleEvery == 0 {
                        try sampler.take(
                            phase: iterationPhase, iteration: completed, periodic: index != count - 1,
                            countTasks: checkpoints.reached(index + 1) || index == count - 1)
                    }
                }
                if completed % request.sampleEvery != 0 || count == 0 {
                    try sampler.take(phase: iterationPhase, iteration: completed)
                }
            }

            phase = .settle
            context._enter(.settle)
            try await workload.settle(context: context)
            // After the workload's own release, before the settle samples: trimming earlier would
            // miss what `settle` frees. glibc only (AllocatorOptions allows it for glibc alone).
            if request.trimAtSettle { _ = leaklab_malloc_trim(0) }
            // Sample until the process has stopped changing (SettleWatch), at most settleMillis.
            // Stillness is judged without tasks, so settle samples count them within the task
            // probe's budget only; the last one always carries the count (the one detectors and
            // the audit read after settle), taken again if the budget skipped it.
            var watch = SettleWatch(maximumMillis: request.settleMillis)
            let settleStart = Sampler.now()
            while true {
                await Self.pause(milliseconds: watch.pollMillis)
                let sample = try sampler.take(phase: .settle, iteration: completed, countTasks: false)
                if watch.isSettled(after: sample, elapsedMillis: (Sampler.now() - settleStart) * 1_000) {
                    if sampler.countsTasks && sample.tasks == nil { try sampler.take(phase: .settle, iteration: completed) }
                    break
                }
            }
            // After the last settle sample, so it cannot change what the run measured.
            sampler.takeCensus(phase: .settle, iteration: completed)

            phase = .tearDown
            context._enter(.tearDown)
            try await workload.tearDown(context: context)
            noise.release()
            try sampler.take(phase: .tearDown, iteration: completed)
            return .finished
        } catch {
            return .failed(phase: phase, message: String(describing: error))
        }
    }

    /// Waits without a task of its own: `Task.sleep` starts a wake-up task that may still be
    /// finishing when the sample after the sleep counts tasks (one task too many, now and then);
    /// a Dispatch timer resuming a continuation leaves no task behind.
    private static func pause(milliseconds: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { continuation.resume() }
        }
    }
}
