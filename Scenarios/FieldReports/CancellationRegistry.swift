import FieldReportsSupport
import LeakLabKit

/// pointfreeco/swift-composable-architecture #1373 and its fix #1418: cancellable effects are
/// registered under their id so they can be cancelled, and only cancellation removed them, so
/// every effect that finished normally stayed registered, task and all.
let cancellationRegistryScenario = Scenario(
    id: "field-cancellation-registry",
    title: "Cancellable effects that stay registered after they finish (swift-composable-architecture #1373)",
    pattern: .unboundedCache,
    summary: """
        A store runs each effect in a `Task` and registers it under the effect's cancellation id, \
        so a later `cancel(id:)` can reach it. Only `cancel(id:)` removes entries; an effect that \
        finishes on its own stays registered, and its entry keeps the finished task alive. Users \
        saw "alive" tasks pile up in Instruments; the maintainers fixed it by removing the entry \
        when the effect finishes. The pattern still leaks on Swift 6.3.1 wherever it is written.
        """,
    training: Training(
        symptoms: """
            What users saw: Instruments' Swift Concurrency template showed the count of alive tasks \
            rising while effects ran, and not falling after they completed. Here: heap bytes grow \
            by a finished task and its registry entry per effect; fds and threads stay flat.
            """,
        detection: """
            Root cause: a registry that is written on start and cleaned only on cancel: normal \
            completion, the common path, never cleans up. The registry is reachable, so memcheck and \
            LeakSanitizer see nothing; allocation trends see the slope. The kernel checks the \
            registry's size at tear-down.
            """,
        fix: """
            The maintainers' fix (#1418): remove the effect's entry when its task finishes, \
            whatever the reason, with `defer` in the task or a completion hook, so only running \
            effects are registered.
            """,
        mirrors: "Go: a map of context.CancelFunc keyed by request id, deleted on cancel but not on success."),
    parameters: [],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "removed-on-cancel-only", role: .leaky,
            summary: "entries are removed by cancel(id:) only: every effect that finishes normally stays registered",
            truth: .leak(
                .heap(.reachable, bytes: 1_400, objects: 1.8),
                spread: Leakage(objects: 0.6),
                note: """
                    Measured 1,411 B at 2,000 and 1,393 B at 4,000 iterations, 2 allocations per \
                    effect (release build, jemalloc with tcache off): the finished task (kept by its handle in the registry) and the \
                    registry's dictionary slot, paid in steps as it doubles. Allocations per \
                    effect vary from run to run and with load (1.33–2.3 measured, the lower ones \
                    on a loaded machine): declared 1.8 ± 0.6. The kernel checks the \
                    registry holds every effect at tear-down.
                    """),
            source: SourceLocation(region: "removed-on-cancel-only"),
            makeWorkload: { _ in EffectStore(removesOnFinish: false) }),
        Variant(
            name: "removed-on-finish", role: .fixed,
            summary: "the effect's task removes its own entry when it finishes (the fix in #1418)",
            truth: .clean(note: "Measured 0 B per effect: the entry is removed before the task completes; the registry is empty at tear-down."),
            source: SourceLocation(region: "removed-on-finish"),
            makeWorkload: { _ in EffectStore(removesOnFinish: true) }),
    ],
    references: [
        Reference(
            url: "https://github.com/pointfreeco/swift-composable-architecture/issues/1373",
            title: "withTaskCancellation retains tasks", date: "2022-09-11"),
        Reference(
            url: "https://github.com/pointfreeco/swift-composable-architecture/pull/1418",
            title: "Fix task cancellation leak", date: "2022-09-27"),
    ])

/// Runs one effect per iteration under the same cancellation id and waits for it to finish.
final class EffectStore: ScenarioWorkload {
    let removesOnFinish: Bool
    let registry = CancellationRegistry()
    var effects = 0
    init(removesOnFinish: Bool) { self.removesOnFinish = removesOnFinish }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let id = "speech-recognition"  // a long-lived feature's effect id, reused by every run
        let task =
            removesOnFinish
            ? await registry.runRemovingOnFinish(id: id) { index &* 31 }
            : await registry.runRemovingOnCancelOnly(id: id) { index &* 31 }
        _ = await task.value
        effects += 1
    }

    /// The registry's own count of entries: effects still registered after they all finished.
    func tearDown(context: ScenarioContext) async throws {
        let expected = removesOnFinish ? 0...0 : effects...effects
        try IndependentCheckFailed.check("registered effects", expected: expected, measured: await registry.count, iterations: effects)
    }
}

/// Cancellable effects by id: every running effect's task, so `cancel(id:)` can reach it.
actor CancellationRegistry {
    var running: [String: [UInt64: Task<Int, Never>]] = [:]
    var nextToken: UInt64 = 0

    var count: Int { running.values.reduce(0) { $0 + $1.count } }

    func cancel(id: String) {
        running.removeValue(forKey: id)?.values.forEach { $0.cancel() }
    }

    func remove(id: String, token: UInt64) {
        running[id]?.removeValue(forKey: token)
        if running[id]?.isEmpty == true { running.removeValue(forKey: id) }
    }

    // leaklab:begin removed-on-cancel-only
    /// Starts an effect and registers its task; only `cancel(id:)` ever removes it.
    func runRemovingOnCancelOnly(id: String, _ work: @escaping @Sendable () -> Int) -> Task<Int, Never> {
        nextToken += 1
        let task = Task { work() }
        running[id, default: [:]][nextToken] = task  // finished effects stay here, task and result
        return task
    }
    // leaklab:end removed-on-cancel-only

    // leaklab:begin removed-on-finish
    /// The fix: the effect's task removes its own entry when it finishes, however it finishes.
    func runRemovingOnFinish(id: String, _ work: @escaping @Sendable () -> Int) -> Task<Int, Never> {
        nextToken += 1
        let token = nextToken
        let task = Task {
            let result = work()
            self.remove(id: id, token: token)  // the task runs on the actor, after the registration below
            return result
        }
        running[id, default: [:]][token] = task
        return task
    }
    // leaklab:end removed-on-finish
}
