import Foundation
import LeakLabDetectors
import LeakLabModel
import Testing

/// Runs real programs: small Python scripts written to a temporary folder.
@Suite final class CommandDetectorTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leaklab-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes `body` as an executable Python script and returns a detector running it.
    func detector(_ file: String, _ body: String, timeout: Double = 10, outputLimit: Int = 1 << 20) throws -> CommandDetector {
        let url = folder.appendingPathComponent(file)
        try ("#!/usr/bin/env python3\nimport json, sys, time, subprocess\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return try CommandDetector(command: "python3 '\(url.path)'", timeout: timeout, outputLimit: outputLimit)
    }

    static let trace = TraceBuilder.linearLeak().build()

    @Test func aGoodProgramsVerdictIsReadWithEveryField() throws {
        let good = try detector(
            "good.py",
            """
            trace = json.load(sys.stdin)
            n = len(trace["samples"])
            print(json.dumps({"leak": True, "ratePerIteration": 12.5, "confidence": 0.7, "firstIteration": 150,
                              "resourceRates": {"fds": 1.0}, "note": f"{n} samples"}))
            """)
        let verdict = good.evaluate(Self.trace)
        #expect(verdict.failure == nil)
        #expect(verdict.detector == "good")
        #expect(verdict.leak == true)
        #expect(verdict.ratePerIteration == 12.5)
        #expect(verdict.confidence == 0.7)
        #expect(verdict.firstIteration == 150)
        #expect(verdict.resourceRates == ["fds": 1.0])
        #expect(verdict.note == "\(Self.trace.samples.count) samples")
    }

    @Test func aProgramThatHangsFailsAfterTheTimeOut() throws {
        let hang = try detector("hang.py", "time.sleep(60)\n", timeout: 1)
        let start = Date()
        let verdict = hang.evaluate(Self.trace)
        let elapsed = Date().timeIntervalSince(start)
        #expect(verdict.leak == nil)
        #expect(verdict.failure == "timed out after 1 s (killed)")
        #expect(elapsed < 4, "took \(elapsed) s")
    }

    @Test func aProgramThatPrintsGarbageFails() throws {
        let verdict = try detector("garbage.py", "print('the heap looks fine to me')\n").evaluate(Self.trace)
        #expect(verdict.leak == nil)
        #expect(verdict.failure == #"invalid verdict: not a JSON object: "the heap looks fine to me""#)
    }

    @Test func aProgramThatExitsNonZeroFailsWithItsLastErrorLine() throws {
        let verdict = try detector(
            "exit1.py",
            """
            print(json.dumps({"leak": False}))
            print("something broke", file=sys.stderr)
            sys.exit(1)
            """
        ).evaluate(Self.trace)
        #expect(verdict.leak == nil)
        #expect(verdict.failure == "exited with status 1: something broke")
    }

    @Test(arguments: [
        (#"{"ratePerIteration": 3}"#, #"invalid verdict: missing "leak""#),
        (#"{"leak": 1}"#, #"invalid verdict: "leak" is not a Boolean"#),
        (#"{"leak": true, "extra": 1}"#, #"invalid verdict: unknown field "extra""#),
        (#"{"leak": true, "confidence": 2}"#, "invalid verdict: \"confidence\" is 2.0, outside 0…1"),
        (#"{"leak": true, "firstIteration": 2.5}"#, #"invalid verdict: "firstIteration" is not an integer"#),
        (#"{"leak": true} {"leak": false}"#, #"invalid verdict: not a JSON object: "{"leak": true} {"leak": false}""#),
        ("[true]", #"invalid verdict: the output is not a JSON object"#),
        ("", "invalid verdict: printed nothing"),
    ])
    func anythingButAStrictVerdictFails(output: String, reason: String) throws {
        let escaped = output.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        let verdict = try detector("strict.py", "sys.stdin.read()\nsys.stdout.write('\(escaped)')\n").evaluate(Self.trace)
        #expect(verdict.leak == nil)
        #expect(verdict.failure == reason)
    }

    @Test func outputBeyondTheCapFails() throws {
        let verdict = try detector("flood.py", "sys.stdout.write('x' * 100000)\n", outputLimit: 1_000).evaluate(Self.trace)
        #expect(verdict.failure == "printed more than 1000 bytes (killed)")
    }

    @Test func aMissingProgramFailsWithNoSuchProgram() throws {
        let verdict = try CommandDetector(command: "leaklab-no-such-detector --x").evaluate(Self.trace)
        #expect(verdict.failure == "cannot run leaklab-no-such-detector: no such program")
    }

    @Test func aProgramThatCannotBeExecutedFailsWithTheErrorByName() throws {
        let url = folder.appendingPathComponent("not-executable.py")
        try "print('{\"leak\": false}')\n".write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
        let verdict = try CommandDetector(command: "'\(url.path)'").evaluate(Self.trace)
        #expect(verdict.failure == "cannot run \(url.path): Permission denied")
    }

    /// Every end of every pipe is closed on every path: programs that read all their input, that
    /// cannot be started, and that cannot be executed. A leak of one descriptor per run would
    /// show as hundreds; other tests running meanwhile hold a few.
    @Test func runsLeaveNoDescriptorOpen() throws {
        func openDescriptors() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count }
        let notExecutable = folder.appendingPathComponent("plain.txt")
        try "x".write(to: notExecutable, atomically: true, encoding: .utf8)
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
        let before = try openDescriptors()
        for _ in 0..<100 {
            let echoed = try Subprocess.run(["cat"], input: input, timeout: 10, outputLimit: 1 << 20)
            #expect(echoed.output.count == input.count)
            #expect(throws: Subprocess.SpawnError.self) { try Subprocess.run(["leaklab-no-such-program"], input: input, timeout: 10, outputLimit: 100) }
            #expect(throws: Subprocess.SpawnError.self) { try Subprocess.run([notExecutable.path], input: [], timeout: 10, outputLimit: 100) }
        }
        let after = try openDescriptors()
        #expect(after - before < 50, "\(before) descriptors open before 300 runs, \(after) after")
    }

    @Test func aProgramThatIgnoresItsInputStillGivesAVerdict() throws {
        var big = Self.trace
        big.samples = Array(repeating: big.samples, count: 20).flatMap { $0 }  // several hundred KB of JSON
        let verdict = try detector("ignores.py", "print('{\"leak\": false}')\n").evaluate(big)
        #expect(verdict.failure == nil)
        #expect(verdict.leak == false)
    }

    @Test func aBackgroundChildHoldingStdoutDoesNotHoldUpTheVerdict() throws {
        let start = Date()
        let verdict = try detector(
            "spawns.py",
            """
            sys.stdin.read()
            subprocess.Popen(["sleep", "30"])
            print('{"leak": true}')
            sys.stdout.flush()
            """
        ).evaluate(Self.trace)
        #expect(verdict.leak == true)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func anExecutableScriptRunsByPathWithoutAShell() throws {
        _ = try detector("direct.py", "print(json.dumps({'leak': False, 'note': sys.argv[1]}))\n")
        let path = folder.appendingPathComponent("direct.py").path
        let verdict = try CommandDetector(command: "'\(path)' '$HOME; echo hi'").evaluate(Self.trace)
        #expect(verdict.note == "$HOME; echo hi")
        #expect(verdict.detector == "direct")
    }

    @Test func theDefaultNameIsTheScriptNotTheInterpreter() throws {
        #expect(try CommandDetector(command: "python3 -u Scripts/detectors/slope_detector.py").name == "slope_detector")
        #expect(try CommandDetector(command: "/opt/bin/my-detector --strict").name == "my-detector")
        #expect(try CommandDetector(command: "python3 x.py", name: "mine").name == "mine")
    }

    static let exampleScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/detectors/slope_detector.py").path

    @Test(arguments: [
        ("linear leak", TraceBuilder.linearLeak(), true),
        ("flat", TraceBuilder.flat(), false),
        ("plateau decoy", TraceBuilder.plateau(), false),
        ("falls back in settle", TraceBuilder.fallBack(), false),
        ("fds leak", TraceBuilder.fdsLeak(), true),
    ])
    func theExampleSlopeDetectorJudgesSyntheticTraces(shape: String, builder: TraceBuilder, leak: Bool) throws {
        let example = try CommandDetector(command: "python3 '\(Self.exampleScript)'")
        let verdict = example.evaluate(builder.build())
        #expect(verdict.failure == nil, "\(shape): \(verdict.failure ?? "")")
        #expect(verdict.leak == leak, "\(shape): \(verdict.note ?? "")")
    }
}
