import Foundation
import LeakLabKit

/// swift-corelibs-foundation #2631 (SR-6450, 2020): on Linux every `Process` leaked, because its
/// run-loop source kept a reference to it; SwiftShell #39 (2017) saw memory and open files grow
/// with every command run. Fixed upstream.
let processRunLoopSourceScenario = Scenario(
    id: "field-process-cycle",
    title: "Every Process leaked on Linux through its run-loop source (corelibs-foundation #2631): fixed upstream",
    pattern: .closureCapture,
    summary: """
        A tool runs a short command per request with `Process`, reads its output through a \
        `Pipe` and waits for it to exit. Before Swift 5.2, on Linux, the process's run-loop source \
        held a reference back to the `Process`, a cycle nothing broke: every run leaked its \
        Process (SwiftShell's users saw memory grow, and open files too where the pipes stayed \
        referenced). Fixed in corelibs-foundation by dropping the source when the child exits. \
        On Swift 6.3.1 the variant is clean: the kernel checks that every Process is freed.
        """,
    training: Training(
        symptoms: """
            What users saw (SwiftShell #39): `run("ls")` in a loop grew from 5 MB to 50 MB and \
            crashed after ~2,000 runs with too many open files; "even a simple Process without a \
            Pipe … still leaks after its termination". Here, on Swift 6.3.1: heap, fds and threads \
            return to the same level after every run.
            """,
        detection: """
            Root cause (fixed): the runLoopSource that reports the child's exit retained `self` \
            and was kept until... never; setting it to nil after the child finished broke the cycle \
            (#2631). A regression would show as an unreachable Process per run (memcheck, \
            LeakSanitizer, allocation trends) and, with pipes, fds (the resources check). The \
            kernel holds each Process weakly and fails the run if one outlives its command.
            """,
        fix: """
            Upgrade (corelibs-foundation 5.2 and later). In code of your own: close the pipes' \
            file handles you opened once the output is read, or let the Pipe go.
            """,
        mirrors: "Go: exec.Cmd without Wait(): the child's pipes and process entry stay."),
    parameters: [],
    defaultIterations: 150,
    defaultWarmUp: 20,
    variants: [
        Variant(
            name: "run-read-wait", role: .fixed,
            summary: "Process with a stdout Pipe: run, read to end, waitUntilExit; the Process must be freed",
            truth: .clean(note: "to be measured"),
            source: SourceLocation(region: "run-read-wait"),
            makeWorkload: { _ in CommandRunner() }),
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-foundation/pull/2631",
            title: "SR-6450: Leak in Process on Linux", date: "2020-01-28"),
        Reference(
            url: "https://github.com/kareman/SwiftShell/issues/39",
            title: "memory leak and too many open files", date: "2017-04-07"),
    ])

/// Runs one command per iteration and checks that the previous run's Process is gone.
final class CommandRunner: ScenarioWorkload {
    weak var previous: Process?
    var outlived = 0
    var runs = 0
    var descriptorsAtStart: Int?

    func setUp(context: ScenarioContext) async throws {
        descriptorsAtStart = OpenDescriptors.count()
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        if previous != nil { outlived += 1 }
        previous = try runReadWait(argument: "request-\(index)")
        runs += 1
    }

    /// Every Process freed, and fds back to where they were (the kernel's own count, from /proc).
    func tearDown(context: ScenarioContext) async throws {
        try IndependentCheckFailed.check("Process objects outliving their command", expected: 0...0, measured: outlived, iterations: runs)
        if let start = descriptorsAtStart, let end = OpenDescriptors.count() {
            try IndependentCheckFailed.check("extra open fds", expected: 0...2, measured: end - start, iterations: runs)
        }
    }
}

// leaklab:begin run-read-wait
/// Runs `/bin/echo ARGUMENT`, reads its output and waits for it; returns the Process so the
/// caller can check, through a weak reference, that nothing keeps it alive.
func runReadWait(argument: String) throws -> Process {
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/bin/echo")
    process.arguments = [argument]
    process.standardOutput = output
    try process.run()
    _ = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process
}
// leaklab:end run-read-wait
