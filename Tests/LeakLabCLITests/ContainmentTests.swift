import Foundation
import Testing

/// The test-only plugin in Tests/Fixtures/MisbehavingPlugin, built once as a third party would
/// build it (its own package) and loaded with `--plugins`.
enum MisbehavingPlugin {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let packagePath = "\(root)/Tests/Fixtures/MisbehavingPlugin"
    static let scratchPath = "\(root)/.build-misbehaving"
    static let directory = "\(scratchPath)/release"

    /// The build, once per test process.
    static let build: CLIResult = Shell.run(
        ["swift", "build", "-c", "release", "--package-path", packagePath, "--scratch-path", scratchPath])

    static func requireBuilt() throws {
        try #require(build.status == 0, "swift build of the misbehaving plugin failed:\n\(build.stdout)\n\(build.stderr)")
    }
}

/// Every way a scenario can misbehave ends with the right outcome, inside its budget plus a
/// margin, and validate goes on to the end (issue 7).
@Suite struct ContainmentTests {
    static let budget = 512 << 20
    static let margin = 64 << 20

    /// One validate over every misbehaving variant, shared by the tests below.
    struct Matrix {
        var result: CLIResult
        var seconds: Double
        var runs: [String: [String: Any]]
        var journalLines: Int
    }

    nonisolated(unsafe) static let matrix: Result<Matrix, MatrixError> = runMatrix()

    struct MatrixError: Error, CustomStringConvertible { var description: String }

    static func runMatrix() -> Result<Matrix, MatrixError> {
        guard MisbehavingPlugin.build.status == 0 else {
            return .failure(MatrixError(description: "the misbehaving plugin did not build:\n\(MisbehavingPlugin.build.stderr)"))
        }
        let json = CLI.temporaryFile("misbehaving.json")
        defer { for file in [json, json + ".journal.jsonl"] { try? FileManager.default.removeItem(atPath: file) } }
        let started = Date()
        let result: CLIResult
        do {
            result = try CLI.run([
                "validate", "misbehaving", "--plugins", MisbehavingPlugin.directory, "--json", json,
                "--memory-budget", "512MiB", "--time-budget", "10", "--detectors", "trend", "--jobs", "2", "--quiet",
            ])
        } catch {
            return .failure(MatrixError(description: "could not run leaklab: \(error)"))
        }
        let seconds = Date().timeIntervalSince(started)
        guard let data = FileManager.default.contents(atPath: json),
            let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let runs = document["runs"] as? [[String: Any]]
        else {
            return .failure(MatrixError(description: "validate wrote no JSON (exit \(result.status)):\n\(result.stdout)\n\(result.stderr)"))
        }
        let journal = (try? String(contentsOfFile: json + ".journal.jsonl", encoding: .utf8)) ?? ""
        return .success(
            Matrix(
                result: result, seconds: seconds,
                runs: Dictionary(uniqueKeysWithValues: runs.map { ("\($0["variant"]!)", $0) }),
                journalLines: journal.split(separator: "\n").count))
    }

    func run(_ variant: String) throws -> [String: Any] {
        let matrix = try Self.matrix.get()
        return try #require(matrix.runs[variant], "no run of misbehaving/\(variant): \(matrix.runs.keys.sorted())")
    }

    func samples(_ run: [String: Any]) -> [[String: Any]] { run["samples"] as? [[String: Any]] ?? [] }

    /// Each misbehaving variant's expected outcome, a text its outcome detail must contain, and
    /// the wall time it must end within, seconds (budget 10 s; the rest end in a second or two).
    /// Kept here until the truth model's `expectedOutcome` lands.
    static let expected: [(variant: String, outcome: String, detail: String, seconds: Double)] = [
        ("fast-leak", "budget-exceeded", "memory", 5),
        ("thread-bomb", "budget-exceeded", "threads", 5),
        ("fd-exhaustion", "budget-exceeded", "open files", 5),
        ("segfault", "crashed", "signal 11", 5),
        ("fatal-error", "crashed", "signal", 5),
        ("abort", "crashed", "signal 6", 5),
        ("early-exit", "crashed", "exited before finishing", 5),
        ("hang-in-tear-down", "timed-out", "process group was killed", 12),
        ("hangs-at-exit", "completed", "had not exited 5.0 s later", 9),
        ("throws-in-set-up", "failed", "db.example.invalid:5432 (connection refused)", 5),
        // Issue 14.
        ("fork-keeps-channel", "completed", "killed 1 leftover process after the run: llmisb-keeper", 5),
        ("daemonizes", "completed", "killed 1 leftover process after the run: llmisb-daemon", 5),
        ("floods-output", "completed", "output capped", 8),
        ("channel-garbage", "completed", "1 overlong line on the lab's channel", 5),
        ("tmpfs-hog", "budget-exceeded", "memory", 5),
        ("threads-default-stacks", "budget-exceeded", "threads", 5),
        ("closes-channel", "crashed", "the scenario closed the lab's channel (fd 3)", 5),
    ]

    @Test func validateRunsEveryMisbehavingVariantToTheEnd() throws {
        let matrix = try Self.matrix.get()
        #expect(matrix.result.status == 0, "\(matrix.result.stdout)\n\(matrix.result.stderr)")
        #expect(matrix.runs.count == Self.expected.count)
        #expect(matrix.journalLines == Self.expected.count, "every run is journaled")
        // Two at a time: the hang costs its 10 s budget, the rest a second or two each.
        #expect(matrix.seconds < 45, "validate took \(matrix.seconds) s")
    }

    @Test(arguments: ContainmentTests.expected.map(\.variant))
    func eachMisbehaviourEndsWithItsOutcome(variant: String) throws {
        let expected = try #require(Self.expected.first { $0.variant == variant })
        let run = try run(variant)
        var outcome = expected.outcome
        // tmpfs pages never show in RSS: only a memory cgroup charges them.
        if variant == "tmpfs-hog", run["memoryContainment"] as? String == "watchdog" { outcome = "completed" }
        #expect(run["outcome"] as? String == outcome, "\(variant): \(run["outcome"] ?? "-") (\(run["outcomeDetail"] ?? "-"))")
        // The plugin declares the same ending in its truth (plugin API v2), so validate scores it.
        let declared = (run["truth"] as? [String: Any])?["expectedOutcome"] as? String
        #expect(declared == expected.outcome, "\(variant) declares \(declared ?? "-")")
        let text = run["outcomeDetail"] as? String ?? ""
        if outcome == expected.outcome { #expect(text.contains(expected.detail), "\(variant): \(text)") }
        if variant != "throws-in-set-up" {
            #expect(samples(run).count >= 2, "\(variant) keeps its samples so far")
        }
        let seconds = run["wallSeconds"] as? Double ?? .infinity
        #expect(seconds < expected.seconds, "\(variant) took \(seconds) s")
    }

    /// Processes a misbehaving variant leaves behind name themselves `llmisb-…`; none may be alive
    /// (zombies waiting for pid 1 to reap them are dead).
    static func livingLeftovers() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8), comm.hasPrefix("llmisb-"),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), !stat[close...].hasPrefix(") Z")
            else { return nil }
            return "\(comm.trimmingCharacters(in: .whitespacesAndNewlines)) (pid \(pid))"
        }
    }

    @Test func noProcessOutlivesItsRunAndTheRunSaysWhatItKilled() throws {
        _ = try Self.matrix.get()
        #expect(Self.livingLeftovers().isEmpty, "left behind: \(Self.livingLeftovers())")
        for variant in ["fork-keeps-channel", "daemonizes"] {
            let containment = try #require(try run(variant)["containment"] as? [String: Any])
            let killed = containment["killedLeftovers"] as? [String] ?? []
            #expect(killed.count == 1, "\(variant): \(killed)")
        }
    }

    @Test func outputAndChannelNoiseAreCappedAndCounted() throws {
        let flood = try #require(try run("floods-output")["containment"] as? [String: Any])
        #expect((flood["outputBytes"] as? Int ?? 0) >= 1_600 << 20, "\(flood)")
        #expect((flood["outputKeptBytes"] as? Int ?? .max) <= 64 << 10, "\(flood)")
        #expect((try run("floods-output")["childOutput"] as? String ?? "").utf8.count <= 4_096)
        let garbage = try #require(try run("channel-garbage")["containment"] as? [String: Any])
        #expect(garbage["overlongLines"] as? Int == 1, "\(garbage)")
        #expect((garbage["discardedChannelBytes"] as? Int ?? 0) >= 256 << 20, "\(garbage)")
        #expect((garbage["undecodableLines"] as? Int ?? 0) >= 3, "\(garbage)")
    }

    @Test func memoryThatRSSDoesNotShowIsChargedWhereACgroupExists() throws {
        let run = try run("tmpfs-hog")
        guard run["memoryContainment"] as? String != "watchdog" else { return }  // no cgroup: not contained (docs/containment.md)
        let containment = try #require(run["containment"] as? [String: Any])
        #expect((containment["groupMemoryPeak"] as? Int ?? 0) > Self.budget, "\(containment)")
        #expect((containment["groupMemoryPeak"] as? Int ?? .max) <= Self.budget + Self.margin, "\(containment)")
        #expect((run["peakRSS"] as? Int ?? .max) < Self.budget / 4, "tmpfs pages are not in RSS")
    }

    @Test func noChildGoesAboveItsMemoryBudgetPlusTheMargin() throws {
        let matrix = try Self.matrix.get()
        for (variant, run) in matrix.runs {
            let peak = try #require(run["peakRSS"] as? Int, "\(variant) has no peakRSS")
            #expect(peak <= Self.budget + Self.margin, "\(variant): peak RSS \(peak >> 20) MiB")
        }
        let leak = try run("fast-leak")
        #expect((leak["peakRSS"] as? Int ?? 0) > Self.budget / 2, "the fast leak really grew")
    }

    @Test func threadsWithDefaultStacksReachTheThreadBudgetNotTheAddressSpaceLimit() throws {
        let run = try run("threads-default-stacks")
        let threads = samples(run).compactMap { $0["threads"] as? Int }.max() ?? 0
        #expect(threads > 512, "threads went past RLIMIT_DATA's old ~300: \(threads)")
        #expect(!(run["outcomeDetail"] as? String ?? "").contains("EAGAIN"))
    }

    @Test func theThreadBombIsStoppedNearItsThreadBudget() throws {
        let run = try run("thread-bomb")
        let threads = samples(run).compactMap { $0["threads"] as? Int }.max() ?? 0
        #expect(threads > 64, "threads were started: \(threads)")
        let budgets = try #require(run["budgets"] as? [String: Any])
        #expect(budgets["threads"] as? Int == 1_024)
    }

    @Test func theHangIsKilledAtItsWallTimeWithItsSamplesThroughSettle() throws {
        let run = try run("hang-in-tear-down")
        let seconds = run["wallSeconds"] as? Double ?? 0
        #expect(seconds >= 10 && seconds < 13, "killed at \(seconds) s")
        #expect(samples(run).contains { $0["phase"] as? String == "settle" })
    }

    // MARK: Kill and resume

    static let resumeArguments = ["validate", "misbehaving-polite", "--detectors", "trend", "--jobs", "1"]

    func keysAndVerdicts(_ path: String) throws -> [String] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        return runs.map { run in
            let verdicts = (run["verdicts"] as? [[String: Any]] ?? []).map { "\($0["detector"] ?? "-")=\($0["leak"] ?? "nil")" }
            return "\(run["scenario"]!)/\(run["variant"]!) \(run["outcome"]!) \(verdicts.joined(separator: ","))"
        }
    }

    @Test func validateKilledMidwayAndResumedGivesTheUninterruptedResult() throws {
        try MisbehavingPlugin.requireBuilt()
        let plugins = ["--plugins", MisbehavingPlugin.directory, "--quiet"]
        let whole = CLI.temporaryFile("whole.json"), resumed = CLI.temporaryFile("resumed.json")
        defer { for file in [whole, resumed] { for path in [file, file + ".journal.jsonl"] { try? FileManager.default.removeItem(atPath: path) } } }

        let uninterrupted = try CLI.run(Self.resumeArguments + plugins + ["--json", whole])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")

        // Start, wait for two journaled runs, SIGTERM.
        let errPath = CLI.temporaryFile("interrupted-stderr")
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = Self.resumeArguments + plugins + ["--json", resumed]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var lines = 0
        while Date() < deadline, process.isRunning {
            lines = ((try? String(contentsOfFile: resumed + ".journal.jsonl", encoding: .utf8)) ?? "").split(separator: "\n").count
            if lines >= 2 { break }
            usleep(20_000)
        }
        try #require(lines >= 2 && process.isRunning, "the journal reached \(lines) lines; running: \(process.isRunning)")
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 143, "exit \(process.terminationStatus): \(stderr)")
        #expect(stderr.contains("SIGTERM"), "\(stderr)")
        #expect(stderr.contains("--resume"), "says how to resume: \(stderr)")
        #expect(!FileManager.default.fileExists(atPath: resumed), "no final JSON from an interrupted run")
        let journaled = ((try? String(contentsOfFile: resumed + ".journal.jsonl", encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(journaled >= 2 && journaled < 4, "the journal keeps the finished runs only: \(journaled)")

        let resume = try CLI.run(Self.resumeArguments + plugins + ["--json", resumed, "--resume"])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(try keysAndVerdicts(resumed) == keysAndVerdicts(whole))
        let journal = try String(contentsOfFile: resumed + ".journal.jsonl", encoding: .utf8)
        #expect(journal.split(separator: "\n").count == 4, "the resumed journal holds every run once")
    }

    @Test func resumeToleratesATruncatedLastLineAndRunsThatRunAgain() throws {
        try MisbehavingPlugin.requireBuilt()
        let plugins = ["--plugins", MisbehavingPlugin.directory, "--quiet"]
        let whole = CLI.temporaryFile("whole2.json"), cut = CLI.temporaryFile("cut.json")
        defer { for file in [whole, cut] { for path in [file, file + ".journal.jsonl"] { try? FileManager.default.removeItem(atPath: path) } } }
        let arguments = ["validate", "misbehaving-polite", "--detectors", "trend"] + plugins
        #expect(try CLI.run(arguments + ["--json", whole]).status == 0)

        // The first run's line whole, the second's cut in the middle, as a kill during a write leaves it.
        let lines = try String(contentsOfFile: whole + ".journal.jsonl", encoding: .utf8).split(separator: "\n")
        try (lines[0] + "\n" + lines[1].prefix(lines[1].count / 2)).write(toFile: cut + ".journal.jsonl", atomically: true, encoding: .utf8)
        let resume = try CLI.run(arguments.filter { $0 != "--quiet" } + ["--json", cut, "--resume"])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stderr.contains("1 of 4 runs already done"), "\(resume.stderr)")
        #expect(resume.stderr.contains("unreadable line"), "\(resume.stderr)")
        #expect(try keysAndVerdicts(cut) == keysAndVerdicts(whole))
    }

    // MARK: Text from plugins

    @Test func escapeSequencesFromAPluginNeverReachTheTerminalRaw() throws {
        try MisbehavingPlugin.requireBuilt()
        let plugins = ["--plugins", MisbehavingPlugin.directory]
        let list = try CLI.run(["list"] + plugins)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("Quick and clean"), "the title is shown")
        let explain = try CLI.run(["explain", "misbehaving-polite"] + plugins)
        let validate = try CLI.run(["validate", "misbehaving-polite", "--detectors", "trend", "--quiet"] + plugins)
        #expect(validate.status == 0, "\(validate.stderr)")
        for (command, output) in [("list", list.stdout), ("explain", explain.stdout + explain.stderr), ("validate", validate.stdout)] {
            #expect(!output.unicodeScalars.contains("\u{1B}"), "\(command) printed an escape sequence: \(output.debugDescription)")
            #expect(!output.unicodeScalars.contains("\u{202E}"), "\(command) printed a bidi override")
        }
        // JSON keeps the text, escaped.
        let json = try CLI.run(["list", "--json"] + plugins)
        #expect(json.stdout.contains("\\u001b]0;pwned-title"))
    }
}
