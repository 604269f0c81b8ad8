import Foundation
import LeakLabRunner
import Testing

/// memcheck, lsan and heaptrack as detectors, end to end through `leaklab run`.
///
/// These run the real tools: valgrind and heaptrack from Debian's packages (Scripts/setup installs
/// them with LEAKLAB_SETUP_EXTRAS="valgrind heaptrack"; Scripts/test sets that), and the
/// AddressSanitizer build in .build-asan, which the first lsan verdict builds (about a minute on
/// 2 cores) and later ones reuse. Iterations are small so each valgrind run takes a few seconds.
/// A missing tool is not skipped: its verdict is a failure that says how to install it, and these
/// tests fail on it.
@Suite(.serialized) struct ToolDetectorTests {
    /// `run TARGET --detectors …` and its verdicts by detector name.
    private func verdicts(_ target: String, _ detectors: String, iterations: Int, extra: [String] = []) throws -> [String: [String: Any]] {
        let output = CLI.temporaryFile("tool.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run(
            [
                "run", target, "--detectors", detectors, "--iterations", String(iterations), "--warm-up", "10",
                "--json", output, "--quiet",
            ] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let list = try #require(record["verdicts"] as? [[String: Any]])
        return Dictionary(list.map { ($0["detector"] as? String ?? "?", $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Issue 16: memcheck runs N and 2N iterations with --track-fds=yes and judges what grows.
    @Test func memcheckSeesAnFdLeakAndNotItsFix() throws {
        let leaky = try #require(try verdicts("unclosed-files/closed-on-happy-path-only", "memcheck", iterations: 100)["memcheck"])
        #expect(leaky["leak"] as? Bool == true, "\(leaky["note"] ?? leaky["failure"] ?? "")")
        #expect((leaky["note"] as? String)?.contains("fds open at exit") == true)
        #expect((leaky["note"] as? String)?.contains("possibly") == true)
        let fixed = try #require(try verdicts("unclosed-files/closed-with-defer", "memcheck", iterations: 100)["memcheck"])
        #expect(fixed["leak"] as? Bool == false, "\(fixed["note"] ?? fixed["failure"] ?? "")")
    }

    @Test func memcheckAndLeakSanitizerCatchARetainCycleWithItsSizePerIteration() throws {
        let found = try verdicts("retain-cycle/strong-self", "memcheck,lsan", iterations: 200)
        for tool in ["memcheck", "lsan"] {
            let verdict = try #require(found[tool], "no \(tool) verdict")
            #expect(verdict["failure"] == nil, "\(tool) failed: \(verdict["failure"] ?? "")")
            #expect(verdict["leak"] as? Bool == true, "\(tool): \(verdict["note"] ?? "")")
            // The cycle loses one 48-byte object per iteration (warm-up included).
            let rate = verdict["ratePerIteration"] as? Double ?? 0
            #expect(rate > 40 && rate < 60, "\(tool) rate \(rate)")
            // Measured, not judged here (speed belongs in Scripts/bench): present and positive.
            #expect((verdict["overhead"] as? Double ?? 0) > 0, "\(tool) overhead")
        }
    }

    @Test func memcheckAndLeakSanitizerCallAReachableCacheNoLeakWhileHeaptrackFlagsIt() throws {
        let found = try verdicts("dictionary-cache/no-eviction", "memcheck,lsan,heaptrack", iterations: 300)
        for tool in ["memcheck", "lsan", "heaptrack"] {
            let verdict = try #require(found[tool], "no \(tool) verdict")
            #expect(verdict["failure"] == nil, "\(tool) failed: \(verdict["failure"] ?? "")")
        }
        #expect(found["memcheck"]?["leak"] as? Bool == false, "\(found["memcheck"]?["note"] ?? "")")
        #expect(found["lsan"]?["leak"] as? Bool == false, "\(found["lsan"]?["note"] ?? "")")
        #expect(found["heaptrack"]?["leak"] as? Bool == true, "\(found["heaptrack"]?["note"] ?? "")")
        #expect((found["memcheck"]?["note"] as? String)?.contains("still reachable") == true)
    }

    /// Issue 16: the heap checker and mtrace, scored like the others: a cycle is a leak of its
    /// size per iteration, its fix is not.
    @Test func heapCheckerAndMtraceCatchARetainCycleAndPassItsFix() throws {
        let leaky = try verdicts("retain-cycle/strong-self", "heapcheck,mtrace", iterations: 200)
        let fixed = try verdicts("retain-cycle/weak-self", "heapcheck,mtrace", iterations: 200)
        for tool in ["heapcheck", "mtrace"] {
            let verdict = try #require(leaky[tool], "no \(tool) verdict")
            #expect(verdict["failure"] == nil, "\(tool) failed: \(verdict["failure"] ?? "")")
            #expect(verdict["leak"] as? Bool == true, "\(tool): \(verdict["note"] ?? "")")
            // 48 B per iteration. The heap checker scans conservatively: at 200 iterations a stale
            // pointer keeps a varying share of the lost objects "reachable" (seen: 112 to 155 of 210
            // alone; 92 more of 200 at 400 iterations, 22 B/iteration, in a CI run with the whole
            // suite running beside it), so its rate is only right to within a factor of 3 here.
            let rate = verdict["ratePerIteration"] as? Double ?? 0
            let range = tool == "heapcheck" ? 16.0...144.0 : 40.0...60.0
            #expect(range.contains(rate), "\(tool) rate \(rate): \(verdict["note"] ?? "")")
            let clean = try #require(fixed[tool], "no \(tool) verdict on the fix")
            #expect(clean["failure"] == nil, "\(tool) failed: \(clean["failure"] ?? "")")
            #expect(clean["leak"] as? Bool == false, "\(tool) on the fix: \(clean["note"] ?? "")")
        }
    }

    /// Issue 16: a block lost every 5th iteration is a leak to the tools that count lost blocks
    /// (they judge growth between N and 2N iterations, not a count per iteration).
    @Test func sparseLossesAreLeaksToTheBlockCountingTools() throws {
        let found = try verdicts(
            "drip/leaky", "memcheck,lsan", iterations: 100, extra: ["--param", "every=5", "--param", "object-bytes=65536"])
        for tool in ["memcheck", "lsan"] {
            let verdict = try #require(found[tool], "no \(tool) verdict")
            #expect(verdict["leak"] as? Bool == true, "\(tool): \(verdict["note"] ?? verdict["failure"] ?? "")")
        }
    }

    /// Issue 16: 110 blocks lost once in set-up are in both runs and cancel out.
    /// The heap checker's conservative scan misses up to a fifth of those blocks, different ones in
    /// each run, so it is asked at 2,000 iterations, where 0.01 per extra iteration is 20 blocks.
    @Test(arguments: [("memcheck,lsan", 440), ("heapcheck", 2_000)])
    func aOneOffLossInSetUpIsNoLeak(tools: String, iterations: Int) throws {
        try TruthShapesPlugin.requireBuilt()
        let found = try verdicts(
            "truth-valgrind-shapes/one-off-at-set-up", tools, iterations: iterations,
            extra: ["--plugins", TruthShapesPlugin.directory])
        for tool in tools.split(separator: ",").map(String.init) {
            let verdict = try #require(found[tool], "no \(tool) verdict")
            #expect(verdict["failure"] == nil, "\(tool) failed: \(verdict["failure"] ?? "")")
            #expect(verdict["leak"] as? Bool == false, "\(tool): \(verdict["note"] ?? "")")
        }
    }

    /// Issue 16: heaptrack compares N and 2N iterations with the same warm-up, and the host ends
    /// deterministically, so caches filled in warm-up and libdispatch's per-thread caches are
    /// not a leak: a clean variant whose task groups are per request is no leak, three times.
    @Test func heaptrackCallsACleanTaskGroupVariantNoLeakEveryTime() throws {
        for attempt in 1...3 {
            let verdict = try #require(try verdicts("field-task-group-release/group-drained-per-request", "heaptrack", iterations: 500)["heaptrack"])
            #expect(verdict["failure"] == nil, "attempt \(attempt): \(verdict["failure"] ?? "")")
            #expect(verdict["leak"] as? Bool == false, "attempt \(attempt): \(verdict["note"] ?? "")")
        }
    }

    /// Issue 16: where the machine cannot run BCC's memleak, its verdict is a failure that says
    /// what is missing — skipped, never passed.
    @Test func memleakSaysWhyItIsSkippedHere() throws {
        let verdict = try #require(try verdicts("retain-cycle/strong-self", "memleak", iterations: 50)["memleak"])
        let failure = try #require(verdict["failure"] as? String, "memleak gave a verdict: \(verdict)")
        #expect(failure.contains("skipped"), "\(failure)")
        #expect(verdict["leak"] as? Bool != true)
    }

    @Test func heapCheckerVerdictLinesAreRead() throws {
        let leaked = "WARNING: Perftools heap leak checker is active\nLeak check _main_ detected leaks of 9900 bytes in 99 objects\nThe 1 largest leaks:"
        #expect(ToolReportParser.heapChecker(leaked) == HeapCheckerSummary(leakedBytes: 9_900, leakedObjects: 99))
        #expect(
            ToolReportParser.heapChecker("No leaks found for check \"_main_\" (but no 100% guarantee)") == HeapCheckerSummary(leakedBytes: 0, leakedObjects: 0))
        #expect(ToolReportParser.heapChecker("Segmentation fault") == nil)
    }

    @Test func mallocTraceReplayCountsWhatWasNeverFreedAndLeavesOutSuppressedCallers() {
        let trace = """
            = Start
            @ /lib/libdemo.so:[0x10] + 0x1000 0x40
            @ /lib/libdemo.so:(keep+0x4)[0x7f00] + 0x2000 0x20
            @ /lib/libdemo.so:(drop+0x4)[0x7f10] + 0x3000 0x100
            @ /lib/libdemo.so:(drop+0x8)[0x7f18] - 0x3000
            - 0x9999
            @ /lib/libdemo.so:(grow+0x2)[0x7f20] < 0x2000
            @ /lib/libdemo.so:(grow+0x2)[0x7f20] > 0x4000 0x80
            + 0x5000 0x8
            = End
            """
        let all = MallocTraceReplay.unfreed(trace)
        // 0x1000 (64 B), 0x4000 (128 B, realloc'd from 0x2000), 0x5000 (8 B, no caller).
        #expect(all == MallocTraceReplay.Unfreed(bytes: 200, blocks: 3, suppressedBytes: 0, suppressedBlocks: 0))
        let some = MallocTraceReplay.unfreed(trace) { $0.contains("(grow+") }
        #expect(some == MallocTraceReplay.Unfreed(bytes: 72, blocks: 2, suppressedBytes: 128, suppressedBlocks: 1))
    }

    @Test func detectorsListsTheToolsAndAnUnknownNameIsAUsageError() throws {
        let listed = try CLI.run(["detectors"])
        #expect(listed.status == 0)
        for tool in ExternalTool.names { #expect(listed.stdout.contains(tool)) }
        let unknown = try CLI.run(["run", "retain-cycle/weak-self", "--detectors", "memcheck,valgrind"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("memcheck, lsan, heaptrack"))
    }

    @Test func attributionNamesTheScenarioFunctionThatAllocatedTheLeakedBytes() throws {
        let result = try CLI.run(["run", "retain-cycle/strong-self", "--iterations", "200", "--attribute", "--quiet", "--detectors", "trend"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("these bytes were allocated in"), "\(result.stdout)")
        #expect(result.stdout.contains("CyclicConnection"), "\(result.stdout)")
    }
}

/// The report parsers on canned tool output.
@Suite struct ToolReportParserTests {
    @Test func memcheckSummaryIsReadWithThousandsSeparators() throws {
        let log = """
            ==1967== LEAK SUMMARY:
            ==1967==    definitely lost: 10,145 bytes in 211 blocks
            ==1967==    indirectly lost: 354 bytes in 1 blocks
            ==1967==      possibly lost: 1,328 bytes in 7 blocks
            ==1967==    still reachable: 51,207 bytes in 126 blocks
            ==1967==         suppressed: 0 bytes in 0 blocks
            """
        let summary = try #require(ToolReportParser.memcheck(log))
        #expect(summary.definitelyLost == .init(bytes: 10_145, blocks: 211))
        #expect(summary.lost == .init(bytes: 10_499, blocks: 212))
        #expect(summary.stillReachable.bytes == 51_207)
        #expect(ToolReportParser.memcheck("==1== All heap blocks were freed -- no leaks are possible") == MemcheckSummary())
        #expect(ToolReportParser.memcheck("valgrind: killed") == nil)
    }

    @Test func leakSanitizerRecordsAreSummedAndAnEmptyReportIsNoLeak() {
        let report = """
            Direct leak of 10080 byte(s) in 210 object(s) allocated from:
            Direct leak of 48 byte(s) in 1 object(s) allocated from:
            Indirect leak of 368 byte(s) in 2 object(s) allocated from:
            SUMMARY: AddressSanitizer: 10496 byte(s) leaked in 213 allocation(s).
            """
        let summary = ToolReportParser.leakSanitizer(report)
        #expect(summary.directBytes == 10_128 && summary.directObjects == 211)
        #expect(summary.lostBytes == 10_496 && summary.lostObjects == 213)
        #expect(ToolReportParser.leakSanitizer("").lostBytes == 0)
    }

    @Test func heaptrackSizesAreThousandBased() throws {
        let text = "total runtime: 1.05s.\ncalls to allocation functions: 2446 (2336/s)\npeak heap memory consumption: 169.47K\ntotal memory leaked: 57.63K\n"
        let summary = try #require(ToolReportParser.heaptrack(text))
        #expect(summary.leakedBytes == 57_630)
        #expect(summary.peakBytes == 169_470)
        #expect(summary.allocationCalls == 2_446)
        #expect(ToolReportParser.heaptrack("nothing") == nil)
    }

    @Test func jeprofAttributionSkipsTheRuntimeAndTheLab() {
        let text = """
            Total: 150768 B
                   0   0.0%  87.9%    45488  30.2% LeakLabProbes.ProbeSet.init(active: LeakLabModel.AllocatorName?) -> LeakLabProbes.ProbeSet
                   0   0.0%  87.9%    32768  21.7% static Swift.UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.Int, alignment: Swift.Int)
                   0   0.0%  87.9%    10080   6.7% ClosureCapture.CyclicConnection.__allocating_init(payloadBytes: Swift.Int) -> ClosureCapture.CyclicConnection (inline)
               50608  33.6%  87.9%    50608  33.6% swift_slowAlloc
            """
        let (total, sites) = JemallocProfile.parse(text, limit: 5)
        #expect(total == 150_768)
        #expect(sites.count == 1)
        #expect(sites.first?.bytes == 10_080)
        #expect(sites.first?.function == "ClosureCapture.CyclicConnection.__allocating_init(payloadBytes: Int) -> ClosureCapture.CyclicConnection")
    }
}
