import Foundation
import Testing

/// Bad input of every kind gets a clear message (what, where, what to do) and exit 2 where it is
/// usage; nothing already measured is lost. The cases ListAndRunCommandTests and
/// ValidateCommandTests already pin are not repeated here.
@Suite struct BadInputTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    final class Directory {
        let path = NSTemporaryDirectory() + "leaklab-bad-input-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ text: String) throws -> String {
            try text.write(toFile: "\(path)/\(name)", atomically: true, encoding: .utf8)
            return "\(path)/\(name)"
        }

        /// Compiles C into a shared library here.
        func compile(_ name: String, _ source: String) throws -> String {
            let file = try write(name + ".c", source)
            let result = Shell.run(["cc", "-shared", "-fPIC", "-o", "\(path)/\(name)", file])
            try #require(result.status == 0, "cc failed: \(result.stderr)")
            return "\(path)/\(name)"
        }
    }

    @Test(arguments: [
        (["validate", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["validate", "retain-cycle", "--memory-budget", "lots"], "--memory-budget: 'lots' is not a size"),
        (["validate", "retain-cycle", "--resume"], "--resume needs --json FILE"),
        (["validate", "retain-cycle", "--jobs", "0"], "--jobs must be at least 1"),
        (["explain", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["run", "blocked-tasks", "--param", "seed=abc"], "seed"),
        (["run", "blocked-tasks", "--memory-budget", "12 parsecs"], "--memory-budget"),
        (["run", "retain-cycle", "--detectors", "psychic"], "unknown detector 'psychic'"),
        (["run", "retain-cycle", "--detector-cmd", ""], "--detector-cmd"),
        (["run", "retain-cycle", "--detectors", "memcheck,,lsan"], "has an empty name"),
        (["run", "retain-cycle", "--iterations", "-5"], "--iterations must be at least 2 (got -5)"),
        (["validate", "retain-cycle", "--warm-up", "-1"], "--warm-up must be 0 or more (got -1)"),
        (["compare-allocators", "retain-cycle", "--config", "x:glibc:tcache_count=abc"], "--config x:glibc:tcache_count=abc: tcache_count=abc"),
        (["run", "retain-cycle", "--json", "/tmp"], "--json /tmp is a directory"),
        (["validate", "retain-cycle", "--junit", "/no/such/dir/r.xml"], "the directory /no/such/dir does not exist"),
        (["validate", "retain-cycle", "--allocators", "jemalloc,,glibc"], "has an empty name"),
        (["run", "retain-cycle", "--fd-budget", "-3"], "--fd-budget"),
        (["validate", "retain-cycle", "--memory-budget", "1KiB"], "less than a child needs to start"),
        (["compare-allocators", "retain-cycle", "--json", ""], "--json needs a file name"),
        (["audit", "retain-cycle", "--json", "/proc/leaklab-test.json"], "cannot create a file in /proc"),
        (["validate", "retain-cycle", "--baseline", "/tmp"], "--baseline /tmp is a directory"),
        (["power", "--iterations", "8,,9"], "is not a whole number of at least 8"),
        (["power", "--rates", "-1"], "--rates -1: '-1' is not a number of bytes above 0"),
        (["run", "retain-cycle", "--time-budget", "inf"], "--time-budget inf is not a number of seconds"),
        (["validate", "retain-cycle", "--time-budget", "1e-9"], "give at least 0.50 s"),
        (["run", "retain-cycle", "--memory-budget", "99999999TiB"], "is not a size this machine can address"),
        (["compare-allocators", "retain-cycle", "--config", "jemalloc:glibc"], "is the name of a jemalloc preset"),
        (["list", "--plugins", "/etc/hostname"], "takes directories, and /etc/hostname is a file: pass the directory that holds it (/etc)"),
    ])
    func usageErrorsExitTwoAndSayWhatIsWrong(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    /// An unknown jemalloc key passes through to MALLOC_CONF (jemalloc checks it); what jemalloc
    /// says about it reaches the user on stderr, not only the JSON's child output.
    @Test func whatTheAllocatorSaysAboutAnUnknownOptionIsShown() throws {
        let result = try CLI.run(["run", "retain-cycle/strong-self", "--iterations", "50", "--allocator-option", "jemalloc.no_such_key=1", "--quiet"])
        #expect(result.stderr.contains("the allocator said: <jemalloc>: Invalid conf pair: no_such_key:1"), "stderr: \(result.stderr)")
    }

    /// Every command that runs children shares one set of budget options: a memory budget of 0
    /// is refused before any child runs, with the same message.
    @Test(arguments: [
        ["run", "retain-cycle"], ["validate", "retain-cycle"], ["audit", "retain-cycle"], ["power"],
        ["compare-allocators", "retain-cycle"],
    ])
    func aMemoryBudgetOfZeroIsRefusedByEveryCommandThatRunsChildren(command: [String]) throws {
        let result = try CLI.run(command + ["--memory-budget", "0"])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("--memory-budget must be more than 0"), "stderr: \(result.stderr)")
    }

    /// validate, audit and compare-allocators take the run shape `run` takes.
    @Test(arguments: ["validate", "audit", "compare-allocators"])
    func everyCommandThatRunsVariantsTakesTheRunShape(command: String) throws {
        let result = try CLI.run([command, "retain-cycle", "--iterations", "1", "--warm-up", "3", "--param", "seed=7"])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("--iterations must be at least 2"), "stderr: \(result.stderr)")
    }

    @Test func aFileThatIsNoPluginOrOfAnotherAPIVersionIsRefusedAndTheRestStillLoad() throws {
        let directory = try Directory()
        let junk = try directory.write("libjunk.so", "not an ELF file at all\n")
        let notAPlugin = try directory.compile("libnotaplugin.so", "int answer(void) { return 42; }\n")
        let future = try directory.compile(
            "libfuture.so",
            """
            #include <stdint.h>
            void *leaklab_plugin_v1(uint32_t *version) { *version = 99; return (void *)0; }
            """)
        let result = try CLI.run(["list", "--plugins", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("blocked-tasks"), "the built-in plugins still load")
        let warnings = result.stderr.split(separator: "\n").map(String.init)
        #expect(warnings.contains { $0.contains("plugin refused") && $0.contains(junk) }, "\(result.stderr)")
        #expect(warnings.contains { $0.contains(notAPlugin) && $0.contains("leaklab_plugin_v1") }, "\(result.stderr)")
        #expect(warnings.contains { $0.contains(future) && $0.contains("version 99") && $0.contains("Rebuild") }, "\(result.stderr)")
    }

    /// A plugin package's own folder (sources, no built library) given to --plugins is a usage
    /// error that says where the built plugins are, not a silent "unknown scenario" later.
    @Test func aPluginsFolderWithNoLibraryIsAUsageErrorThatSaysWhereTheyAre() throws {
        let directory = try Directory()
        _ = try directory.write("Package.swift", "// swift-tools-version:6.0\n")
        let result = try CLI.run(["list", "--plugins", directory.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("no plugin in \(directory.path)"), "\(result.stderr)")
        #expect(result.stderr.contains("\(directory.path)/.build/release"), "\(result.stderr)")
    }

    /// A plugin that aborts, crashes or exits while it is opened is refused by name; the lab and
    /// the other plugins carry on (PluginPreflight opens it in a throw-away child first).
    @Test func aPluginThatCrashesOrExitsWhileOpenedIsRefusedAndTheLabCarriesOn() throws {
        let directory = try Directory()
        let aborts = try directory.compile(
            "libaborts.so", "#include <stdlib.h>\n__attribute__((constructor)) static void boom(void) { abort(); }\n")
        let exits = try directory.compile(
            "libexits.so", "#include <stdlib.h>\n__attribute__((constructor)) static void bye(void) { exit(0); }\n")
        let badPointer = try directory.compile(
            "libbadpointer.so",
            """
            #include <stdint.h>
            void *leaklab_plugin_v1(uint32_t *version) { *version = 2; return (void *)0x1234; }
            """)
        let result = try CLI.run(["list", "--plugins", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("blocked-tasks"), "the built-in plugins still load")
        let warnings = result.stderr.split(separator: "\n").map(String.init)
        #expect(warnings.contains { $0.contains(aborts) && $0.contains("crashed") && $0.contains("Aborted") }, "\(result.stderr)")
        #expect(warnings.contains { $0.contains(exits) && $0.contains("status 0") }, "\(result.stderr)")
        #expect(warnings.contains { $0.contains(badPointer) && $0.contains("crashed") }, "\(result.stderr)")
    }

    /// A library that behaves in the check child and calls `exit(0)` only in the runner ends the
    /// command with status 2 naming it, not a silent success; one whose constructor leaves a
    /// daemon holding its output does not keep the lab waiting.
    @Test func aPluginThatExitsOnlyInTheRunnerOrLeavesADaemonIsNamedAndNothingHangs() throws {
        let directory = try Directory()
        let sneaky = try directory.compile(
            "libsneaky.so",
            """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            __attribute__((constructor)) static void sneak(void) {
                char line[4096] = {0};
                FILE *file = fopen("/proc/self/cmdline", "r");
                size_t count = file ? fread(line, 1, sizeof line - 1, file) : 0;
                if (file) fclose(file);
                for (size_t i = 0; i < count; i++) if (line[i] == 0) line[i] = ' ';
                if (!strstr(line, "check-plugin")) exit(0);
            }
            """)
        let result = try CLI.run(["list", "--plugins", directory.path])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(sneaky) && result.stderr.contains("called exit()"), "\(result.stderr)")

        let spawning = try Directory()
        _ = try spawning.compile(
            "libspawner.so",
            """
            #include <fcntl.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            /* In the check child the daemon keeps its stdout and stderr, which the check once read
               through pipes until it died; in the runner it lets go of them (this test reads the
               runner's output to its end). */
            __attribute__((constructor)) static void spawn(void) {
                char line[4096] = {0};
                FILE *file = fopen("/proc/self/cmdline", "r");
                size_t count = file ? fread(line, 1, sizeof line - 1, file) : 0;
                if (file) fclose(file);
                for (size_t i = 0; i < count; i++) if (line[i] == 0) line[i] = ' ';
                int inCheck = strstr(line, "check-plugin") != 0;
                if (fork() == 0) {
                    setsid();
                    if (fork() == 0) {
                        if (!inCheck) {
                            int null = open("/dev/null", O_RDWR);
                            dup2(null, 0); dup2(null, 1); dup2(null, 2);
                            for (int fd = 3; fd < 1024; fd++) close(fd);
                        }
                        execl("/bin/sleep", "sleep", "4343", (char *)0);
                    }
                    _exit(0);
                }
            }
            """)
        defer { _ = Shell.run(["pkill", "-9", "-f", "sleep 4343"]) }
        let started = Date()
        let listed = try CLI.run(["list", "--plugins", spawning.path])
        #expect(Date().timeIntervalSince(started) < 15, "the check does not wait for what the constructor left behind")
        #expect(listed.status == 0 && listed.stderr.contains("libspawner.so"), "\(listed.stderr)")
    }

    /// `--json` through a device or a symbolic link: the device stays a device, the link a link
    /// whose target gets the report; a file that cannot be created beside the path (`/proc`) is
    /// refused before any child runs.
    @Test func aReportPathThatIsADeviceOrALinkIsWrittenThroughNeverReplaced() throws {
        let directory = try Directory()
        let run = ["run", "retain-cycle/weak-self", "--iterations", "100", "--quiet"]
        let toNull = try CLI.run(run + ["--json", "/dev/null"])
        #expect(toNull.status == 0, "\(toNull.stderr)")
        #expect(ReportFileKind.isCharacterDevice("/dev/null"), "/dev/null must still be a device")
        let target = try directory.write("target.json", "{}")
        let link = "\(directory.path)/link.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let viaLink = try CLI.run(run + ["--json", link])
        #expect(viaLink.status == 0, "\(viaLink.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target, "the link is kept")
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"schema\""), "the target holds the report")
        // A link whose target does not exist yet: the target is created, the link kept.
        let dangling = "\(directory.path)/dangling.json", later = "\(directory.path)/later.json"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: later)
        let viaDangling = try CLI.run(run + ["--json", dangling])
        #expect(viaDangling.status == 0, "\(viaDangling.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dangling) == later, "the link is kept")
        #expect(FileManager.default.fileExists(atPath: later), "its target is written")
        let toProc = try CLI.run(run + ["--json", "/proc/version"])
        #expect(toProc.status == 2 && toProc.stderr.contains("cannot create a file in /proc"), "\(toProc.stderr)")
        #expect(!toProc.stdout.contains("truth"), "nothing ran")
    }

    @Test func aScenarioWhoseSetUpThrowsFailsWithTheErrorAndTheOtherRunsGoOn() throws {
        try MisbehavingPlugin.requireBuilt()
        let output = CLI.temporaryFile("setup.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run([
            "run", "misbehaving/throws-in-set-up", "--plugins", MisbehavingPlugin.directory, "--json", output, "--quiet",
        ])
        #expect(result.status == 1, "an incomplete run is a failed check: \(result.stderr)")
        #expect(result.stdout.contains("failed"), "\(result.stdout)")
        #expect(result.stdout.contains("db.example.invalid:5432 (connection refused)"), "\(result.stdout)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("\"outcome\" : \"failed\""), "the record is written: \(text.prefix(400))")
    }

    @Test(arguments: [
        ("garbage", "\u{7F}ELF\u{0}\u{1} binary", "not valid JSON"),
        ("truncated", "{\"schema\": \"leaklab.baseline/1\", \"detectors\": {\"trend\": {\"overall\"", "not valid JSON"),
        ("array", "[1, 2, 3]", "not a JSON object"),
        ("foreign", "{\"schema\": \"leaklab.validate/1\", \"runs\": []}", "leaklab.validate/1"),
        ("no-schema", "{\"detectors\": {}}", "schema"),
    ])
    func aCorruptOrForeignBaselineIsAUsageErrorNamingTheFile(name: String, content: String, message: String) throws {
        let directory = try Directory()
        let baseline = try directory.write("\(name).json", content)
        let result = try CLI.run(["validate", "retain-cycle", "--baseline", baseline, "--quiet"])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(baseline), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stdout.contains("truth"), "nothing ran")
    }

    @Test func aMissingBaselineIsAUsageError() throws {
        let result = try CLI.run(["validate", "retain-cycle", "--baseline", "/nonexistent/baseline.json", "--quiet"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("/nonexistent/baseline.json"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("garbage", "this is no JSON", "is not a `leaklab validate --json` result"),
        ("trace", "{\"scenario\": \"x\", \"samples\": []}", "is not a `leaklab validate --json` result"),
        ("foreign", "{\"schema\": \"leaklab.validate/9\", \"matrix\": [], \"runs\": [], \"detectors\": [], \"errors\": []}", "schema 'leaklab.validate/9'"),
    ])
    func aCorruptOrForeignResultFileIsRefusedByMerge(name: String, content: String, message: String) throws {
        let directory = try Directory()
        let file = try directory.write("\(name).json", content)
        let result = try CLI.run(["merge", file, file])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(file), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aDetectorProgramThatLiesOrIsMissingIsAFailedDetectorNotAVerdict() throws {
        let directory = try Directory()
        let lies = try directory.write("lies.py", "print('{\"leak\": true, \"confidence\": 7}')\n")
        let output = CLI.temporaryFile("lies.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run([
            "run", "retain-cycle/strong-self", "--iterations", "200", "--detectors", "trend",
            "--detector-cmd", "python3 \(lies)", "--detector-cmd", "/nonexistent/detector",
            "--json", output, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("confidence"), "the failure says which field lies: \(text.prefix(2_000))")
        #expect(text.contains("/nonexistent/detector"), "the missing program is named")
        #expect(text.contains("\"detector\" : \"trend\""), "the built-in still judges")
    }
}

/// What is at a path, without following the lab's own code.
enum ReportFileKind {
    static func isCharacterDevice(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeCharacterSpecial
    }
}
