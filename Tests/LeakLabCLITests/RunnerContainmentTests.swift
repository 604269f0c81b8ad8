import Foundation
import Testing

/// The runner's own side of containment (issue 14): its children die with it however it dies,
/// it stays small whatever a child writes, a scenario that hits libdispatch's thread cap says so,
/// and leftovers are found without a cgroup too.
@Suite struct RunnerContainmentTests {
    let plugins = ["--plugins", MisbehavingPlugin.directory]

    /// Starts `leaklab` with `arguments`, output to /dev/null.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The children of `parent` named `leaklab-host`, from the process table.
    static func hosts(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
            return status.contains("Name:\tleaklab-host") && status.contains("\nPPid:\t\(parent)\n")
        }
    }

    /// Whether `pid` is alive (present and not a zombie).
    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[close...].hasPrefix(") Z") && !stat[close...].hasPrefix(") X")
    }

    @Test(arguments: [SIGHUP, SIGKILL])
    func theChildDiesWithItsRunner(signal: Int32) throws {
        try MisbehavingPlugin.requireBuilt()
        let runner = try start(["run", "misbehaving/hang-in-tear-down", "--time-budget", "30", "--quiet"] + plugins)
        defer { if runner.isRunning { kill(runner.processIdentifier, SIGKILL) } }
        var child: Int32?
        let deadline = Date().addingTimeInterval(10)
        while child == nil, Date() < deadline {
            child = Self.hosts(of: runner.processIdentifier).first
            usleep(20_000)
        }
        let host = try #require(child, "the runner started no child")
        usleep(300_000)  // into the scenario
        kill(runner.processIdentifier, signal)
        let killed = Date()
        while Self.alive(host), Date().timeIntervalSince(killed) < 1 { usleep(10_000) }
        #expect(!Self.alive(host), "the child outlived its runner (signal \(signal)) by a second")
        runner.waitUntilExit()
        // SIGHUP is handled like SIGINT: the runner kills its child and exits 129, or, when the
        // child's end is reported first, finishes the run as not completed (exit 1).
        if signal == SIGHUP { #expect([128 + SIGHUP, 1].contains(runner.terminationStatus), "exit \(runner.terminationStatus)") }
    }

    /// The runner's VmHWM, polled until it exits.
    func peakMemory(of process: Process) -> Int {
        var peak = 0
        while process.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
            {
                peak = max(peak, kib << 10)
            }
            usleep(10_000)
        }
        return peak
    }

    @Test(arguments: ["channel-garbage", "floods-output"])
    func theRunnerStaysSmallWhateverTheChildWrites(variant: String) throws {
        try MisbehavingPlugin.requireBuilt()
        let started = Date()
        let runner = try start(["run", "misbehaving/\(variant)", "--quiet", "--time-budget", "10"] + plugins)
        let peak = peakMemory(of: runner)
        let seconds = Date().timeIntervalSince(started)
        #expect(runner.terminationStatus == 0, "\(variant) completes")
        #expect(peak > 0 && peak < 64 << 20, "runner peak \(peak >> 20) MiB")
        #expect(seconds < 8, "\(variant) took \(seconds) s")
    }

    @Test func leftoversAreFoundByTheRunTokenWithoutACgroup() throws {
        try MisbehavingPlugin.requireBuilt()
        let json = CLI.temporaryFile("no-cgroup.json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try CLI.run(
            ["run", "misbehaving/daemonizes", "--quiet", "--time-budget", "10", "--json", json] + plugins,
            environment: ["LEAKLAB_NO_CGROUP": "1"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(record["memoryContainment"] as? String == "watchdog")
        let containment = try #require(record["containment"] as? [String: Any])
        #expect((containment["killedLeftovers"] as? [String] ?? []).first?.hasPrefix("llmisb-daemon") == true, "\(containment)")
        #expect(ContainmentTests.livingLeftovers().isEmpty, "\(ContainmentTests.livingLeftovers())")
    }

    @Test func blockedThreadsPastLibdispatchsCapAreRefusedOrFailQuicklyAndSayWhy() throws {
        // Past the scenario's declared maximum: refused before any child runs.
        let refused = try CLI.run(["run", "blocked-threads/semaphore-never-signalled", "--iterations", "3000"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("runs at most 200 workload iterations (asked for 3000)"), "\(refused.stderr)")
        // Within it, but with a warm-up that takes the pool past libdispatch's ~255 threads.
        let started = Date()
        let result = try CLI.run(["run", "blocked-threads/semaphore-never-signalled", "--iterations", "200", "--warm-up", "100"])
        let seconds = Date().timeIntervalSince(started)
        #expect(result.status == 1)
        #expect(seconds < 30, "took \(seconds) s")
        #expect(result.stdout.contains("failed (workload: libdispatch started no thread"), "\(result.stdout)")
        // Detectors that cannot judge say why.
        #expect(result.stdout.contains("failed: no settle samples"), "\(result.stdout)")
        #expect(!result.stdout.contains("failed:  "), "\(result.stdout)")
    }
}
