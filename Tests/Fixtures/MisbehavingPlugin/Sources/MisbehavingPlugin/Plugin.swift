import LeakLabKit

/// The plugin's entry point.
@_cdecl("leaklab_plugin_v1")
public func leaklabPluginV1(_ apiVersion: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    PluginManifest(name: "misbehaving", scenarios: [misbehavingScenario, politeScenario]).export(apiVersion: apiVersion)
}

let misbehavingPattern = LeakPattern("misbehaving")

/// Training text is beside the point here; the scenarios exist to test the runner.
let fixtureTraining = Training(
    symptoms: "Whatever the variant does to the child process.",
    detection: "The runner's outcome: budget-exceeded, crashed, timed-out or failed.",
    fix: "Containment in the runner; nothing to fix in the scenario.")

/// Every way a scenario can go wrong that the runner must contain.
let misbehavingScenario = Scenario(
    id: "misbehaving",
    title: "Scenarios that misbehave on purpose",
    pattern: misbehavingPattern,
    summary: "Each variant breaks the child in a different way; the runner must record it and go on.",
    training: fixtureTraining,
    parameters: [
        .integer("fail-at", default: 5, range: 1...1_000_000, help: "the iteration at which crashing variants crash")
    ],
    defaultIterations: 100,
    defaultWarmUp: 0,
    variants: [
        Variant(
            name: "fast-leak", role: .leaky, summary: "allocates and touches 64 MiB per iteration, never frees it",
            truth: .leak(.heap(.unreachable, bytes: Double(FastLeak.chunk), objects: 1), expectedOutcome: .budgetExceeded),
            makeWorkload: { _ in FastLeak() }),
        Variant(
            name: "thread-bomb", role: .leaky, summary: "starts 64 threads per iteration that never end",
            truth: .leak(.threads(Double(ThreadBomb.perIteration)), expectedOutcome: .budgetExceeded),
            makeWorkload: { _ in ThreadBomb() }),
        Variant(
            name: "fd-exhaustion", role: .leaky, summary: "opens 64 descriptors per iteration and never closes them",
            truth: .leak(.fds(Double(FDExhaustion.perIteration)), expectedOutcome: .budgetExceeded),
            makeWorkload: { _ in FDExhaustion() }),
        Variant(
            name: "segfault", role: .fixed, summary: "writes through a bad pointer",
            truth: .clean(expectedOutcome: .crashed), makeWorkload: { Crasher(.segfault, at: $0.integer("fail-at")) }),
        Variant(
            name: "fatal-error", role: .fixed, summary: "calls fatalError",
            truth: .clean(expectedOutcome: .crashed), makeWorkload: { Crasher(.fatalError, at: $0.integer("fail-at")) }),
        Variant(
            name: "abort", role: .fixed, summary: "calls abort()",
            truth: .clean(expectedOutcome: .crashed), makeWorkload: { Crasher(.abort, at: $0.integer("fail-at")) }),
        Variant(
            name: "early-exit", role: .fixed, summary: "calls exit(0) in the middle of the workload",
            truth: .clean(expectedOutcome: .crashed), makeWorkload: { Crasher(.exitZero, at: $0.integer("fail-at")) }),
        Variant(
            name: "hang-in-tear-down", role: .fixed, summary: "never returns from tearDown",
            truth: .clean(expectedOutcome: .timedOut), makeWorkload: { _ in HangInTearDown() }),
        Variant(
            name: "hangs-at-exit", role: .fixed, summary: "an atexit handler that never returns",
            truth: .clean(), makeWorkload: { _ in HangsAtExit() }),
        Variant(
            name: "throws-in-set-up", role: .fixed, summary: "throws from setUp",
            truth: .clean(expectedOutcome: .failed), makeWorkload: { _ in ThrowsInSetUp() }),
        // Escapes from containment (issue 14): each declares the outcome the lab must give it;
        // Tests/LeakLabCLITests/ContainmentTests.swift checks it and what the run says about it.
        Variant(
            name: "fork-keeps-channel", role: .fixed, summary: "forks a child that keeps fd 3 open and outlives the run",
            truth: .clean(), makeWorkload: { ForkKeepsChannel(at: $0.integer("fail-at")) }),
        Variant(
            name: "daemonizes", role: .fixed, summary: "daemonizes a grandchild: fork, setsid, fork, close every fd",
            truth: .clean(), makeWorkload: { Daemonizes(at: $0.integer("fail-at")) }),
        Variant(
            name: "floods-output", role: .fixed, summary: "writes 16 MiB per iteration to stdout and stderr",
            truth: .clean(), makeWorkload: { _ in FloodsOutput() }),
        Variant(
            name: "channel-garbage", role: .fixed, summary: "writes lines that are not messages, then 256 MiB without a newline, to fd 3",
            truth: .clean(), makeWorkload: { ChannelGarbage(at: $0.integer("fail-at")) }),
        Variant(
            name: "tmpfs-hog", role: .leaky, summary: "writes 64 MiB per iteration to an unlinked tmpfs file (memory RSS does not show)",
            truth: .leak(.nonHeapMemory(bytes: Double(64 << 20)), expectedOutcome: .budgetExceeded),
            makeWorkload: { _ in TmpfsHog() }),
        Variant(
            name: "threads-default-stacks", role: .leaky, summary: "starts 16 threads per iteration with default 8 MiB stacks, blocked for ever",
            truth: .leak(.threads(Double(ThreadsWithDefaultStacks.perIteration)), expectedOutcome: .budgetExceeded),
            makeWorkload: { _ in ThreadsWithDefaultStacks() }),
        Variant(
            name: "closes-channel", role: .fixed, summary: "closes fds 0 to 3, the lab's channel among them",
            truth: .clean(expectedOutcome: .crashed), makeWorkload: { ClosesChannel(at: $0.integer("fail-at")) }),
    ])

/// Well-behaved, quick variants whose texts carry terminal escape sequences: for resume tests,
/// and to check that text from plugins never reaches a terminal raw.
let politeScenario = Scenario(
    id: "misbehaving-polite",
    title: "Quick and clean \u{1B}]0;pwned-title\u{07}\u{1B}[31mred title\u{1B}[0m",
    pattern: misbehavingPattern,
    summary: "Does nothing much, quickly. \u{1B}[2J\u{1B}]8;;https://example.invalid\u{07}a link\u{1B}]8;;\u{07} \u{202E}reversed",
    training: Training(
        symptoms: "None. \u{1B}[5mblinking\u{1B}[0m", detection: "Nothing to detect.", fix: "Nothing to fix."),
    defaultIterations: 40,
    defaultWarmUp: 0,
    // The last two take about 2 s each, so a test can interrupt validate between them.
    variants: [("first", 1), ("second", 1), ("third", 50), ("fourth", 50)].map { name, pauseMillis in
        Variant(
            name: name, role: .fixed, summary: "appends nothing \u{1B}[41mreally\u{1B}[0m",
            truth: .clean(), makeWorkload: { _ in Polite(pauseMillis: pauseMillis) })
    })
