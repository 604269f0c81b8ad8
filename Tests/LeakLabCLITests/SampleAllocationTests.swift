import Foundation
import LeakLabRunner
import Testing

/// A sample runs between the iterations it measures, so it must not allocate: the probe benchmark
/// counts allocations per sample with jemalloc's own malloc counter (`tcache:false`: every malloc
/// is counted), over the periodic samples (which may reuse fds and threads) and the fresh ones.
/// Counts only; never a time.
@Suite struct SampleAllocationTests {
    static let jemallocCandidates = [
        "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2",
    ]

    @Test func aProbeSampleAllocatesNothing() throws {
        let library = try #require(Self.jemallocCandidates.first { FileManager.default.fileExists(atPath: $0) }, "no libjemalloc.so.2")
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = library
        environment["MALLOC_CONF"] = "tcache:false"
        let result = ProcessRunner.run("\(Paths.executableDirectory)/leaklab-bench-probe", ["2000"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double])
        #expect(figures["sampleAllocations"] == 0, "\(result.stdout)")
    }
}
