import CLeakLabShims
import Foundation
import LeakLabHost
import LeakLabModel
import LeakLabProbes
import Synchronization
import Testing

/// Continuations of the tasks this test parks.
private let parked = Mutex<[UnsafeContinuation<Void, Never>]>([])

@inline(never)
private func parkForCensusTest() async {
    await withUnsafeContinuation { continuation in parked.withLock { $0.append(continuation) } }
}

/// The census line the child writes decodes, with `JSONDecoder`, to what the scanner found.
@Suite struct CensusLineEncoderTests {
    @Test func aCensusLineDecodesAsAChildMessageWithEveryParkedTaskInOneSuspendedGroup() throws {
        let scanner = try TaskScanner(capacity: 10_000)
        let count = 300
        for _ in 0..<count { Task.detached { await parkForCensusTest() } }
        while parked.withLock({ $0.count }) < count { usleep(1_000) }
        defer {
            for continuation in parked.withLock({ list in
                defer { list = [] }
                return list
            }) { continuation.resume() }
        }

        // A task that has stored its continuation may not have suspended yet: census again until
        // every parked task is in one suspended group (at most ~2 s), as the canary waits.
        var census = try #require(scanner.census())
        for _ in 0..<400 where !census.groups.contains(where: { $0.count == UInt64(count) && $0.state == UInt32(LEAKLAB_TASK_SUSPENDED) }) {
            usleep(5_000)
            census = try #require(scanner.census())
        }
        var encoder = try #require(CensusLineEncoder())
        let encoded = encoder.encode(census, scanner: scanner, phase: .settle, iteration: 42, millis: 1.9996)
        let line = try #require(encoded)
        let message = try JSONDecoder().decode(ChildMessage.self, from: Data(line))
        guard case .census(let decoded) = message else {
            Issue.record("not a census: \(message)")
            return
        }
        #expect(decoded.iteration == 42)
        #expect(decoded.millis == 2.0)
        #expect(decoded.tasks == census.tasks)
        let group = try #require(decoded.groups.first { $0.count == count })
        #expect(group.state == .suspended)
        #expect(!group.cancelled)
        #expect(!group.frames.isEmpty)
        #expect(group.frames.allSatisfy { $0.module < decoded.modules.count })
        #expect(decoded.modules.contains { $0.hasSuffix("LeakLabPackageTests.xctest") || $0.contains("LeakLab") })
    }
}
