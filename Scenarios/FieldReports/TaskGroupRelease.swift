import FieldReportsSupport
import LeakLabKit

/// swiftlang/swift #39158 and #39297 (Swift 5.5, 2021): task groups held on to finished child tasks
/// and were themselves never destroyed; #65613 (Swift 5.9, 2023): discarding groups leaked the
/// values children returned and the first error. Fixed upstream: clean here, and #60090 shows
/// that a leak reported by a tool for this code was a false positive.
let taskGroupReleaseScenario = Scenario(
    id: "field-task-group-release",
    title: "Task groups that kept their children (swift #39158, #39297, #65613): fixed upstream",
    pattern: .runtime,
    summary: """
        A request handler fans out to a few child tasks with `withTaskGroup` and collects their \
        results, once per request. In Swift 5.5 betas the runtime retained every finished child \
        and never ran the group's destructor, so each request leaked its group and children; \
        Swift 5.9's discarding groups leaked returned values and the first error. All fixed \
        upstream. On Swift 6.3.1 both variants here are clean: the fixes hold.
        """,
    training: Training(
        symptoms: """
            What users saw (2021, SR-14973/SR-15175): memory growing with every use of a task \
            group on Linux and macOS. Fixed, so here nothing grows: heap bytes and objects return \
            to the same level after every request. Instruments' Leaks tool still flagged \
            `TaskGroup.addTask` allocations in 2022 (#60090) for code like this while memory did \
            not grow: the maintainers closed it as a false positive.
            """,
        detection: """
            Root cause (fixed): the runtime's group retained each completed child task while \
            queueing its result and never released it after the result was taken (#39158); the \
            group's C++ destructor was never called (#39297); the discarding group's hot fix \
            skipped releasing discarded values (#65613). A regression would show as a steady slope \
            in allocation trends, unreachable to memcheck. A tool that reports allocations still \
            alive at one instant (Instruments' Leaks, heaptrack's "leaked") can flag a group's \
            in-flight children; a trend over many requests cannot be fooled by that.
            """,
        fix: """
            Upgrade: Swift 5.5 final for the group fixes, 5.9 with #65613 for discarding groups. \
            Nothing to change in code like this; this scenario guards that the fixes hold.
            """,
        mirrors: "Go: errgroup.Group used per request; nothing outlives Wait()."),
    parameters: [
        .integer("children", default: 8, range: 1...256, help: "child tasks per request")
    ],
    defaultIterations: 1_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "group-drained-per-request", role: .fixed,
            summary: "withTaskGroup per request, every child's result collected with `for await`",
            truth: .clean(
                note:
                    "Measured 0 B and 0 allocations per request on Swift 6.3.1: the group and its children are freed when the request ends (the fixes of #39158 and #39297 hold)."
            ),
            source: SourceLocation(region: "group-drained-per-request"),
            makeWorkload: { FanOutRequest(children: $0.integer("children"), discarding: false) }),
        Variant(
            name: "discarding-group-with-error", role: .fixed,
            summary: "withThrowingDiscardingTaskGroup per request, one child throws: values and the error are released",
            truth: .clean(
                note:
                    "Measured 0 B and 0 allocations per request on Swift 6.3.1: discarded values and the rethrown error are released (the fix of #65613 holds)."
            ),
            source: SourceLocation(region: "discarding-group-with-error"),
            makeWorkload: { FanOutRequest(children: $0.integer("children"), discarding: true) }),
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift/pull/39158",
            title: "[Concurrency] Stop TaskGroup from holding onto Tasks forever (leaking)", date: "2021-09-03"),
        Reference(
            url: "https://github.com/swiftlang/swift/pull/39297",
            title: "🍒 [5.5][Concurrency] Call TaskGroupImpl destructor; stop leaking groups", date: "2021-09-14"),
        Reference(
            url: "https://github.com/swiftlang/swift/pull/65613",
            title: "[DiscardingTG] Undo pointer auth workaround; fix memory leaks", date: "2023-05-03"),
        Reference(
            url: "https://github.com/swiftlang/swift/issues/60090",
            title: "Instruments reports false positive leaks for `TaskGroup.addTask`", date: "2022-07-18"),
    ])

/// A shard's answer: a small buffer, as the reports' children returned `Data`.
func shardAnswer(_ shard: Int, bytes: Int = 64) -> [UInt8] {
    [UInt8](repeating: UInt8(truncatingIfNeeded: shard), count: bytes)
}

struct ShardFailed: Error {}

/// One request per iteration, fanned out to `children` child tasks.
final class FanOutRequest: ScenarioWorkload {
    let children: Int
    let discarding: Bool
    init(children: Int, discarding: Bool) {
        self.children = children
        self.discarding = discarding
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        if discarding {
            await discardingGroupWithError(children: children)
        } else {
            _ = await groupDrainedPerRequest(children: children)
        }
    }
}

// leaklab:begin group-drained-per-request
/// Asks every shard, collects the answers: the group and its children end with the request.
func groupDrainedPerRequest(children: Int) async -> Int {
    await withTaskGroup(of: [UInt8].self) { group in
        for shard in 0..<children { group.addTask { shardAnswer(shard) } }
        var total = 0
        for await answer in group { total += answer.count }
        return total
    }
}
// leaklab:end group-drained-per-request

// leaklab:begin discarding-group-with-error
/// Fire-and-forget shards in a discarding group; one fails, which cancels the rest and is rethrown.
func discardingGroupWithError(children: Int) async {
    do {
        try await withThrowingDiscardingTaskGroup { group in
            for shard in 0..<children {
                group.addTask {
                    if shard == children - 1 { throw ShardFailed() }
                    _ = shardAnswer(shard)
                }
            }
        }
    } catch {
        // The first error, once leaked by the runtime (#65613), is released here.
    }
}
// leaklab:end discarding-group-with-error
