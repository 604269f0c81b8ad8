import Glibc
import LeakLabModel
import Testing

/// The ring is shared memory; here both sides map the same memfd-less anonymous shared mapping,
/// which behaves the same between processes (ChildProcess/Host use a memfd).
@Suite struct SampleRingTests {
    final class Mapping {
        let base: UnsafeMutableRawPointer
        let bytes: Int
        init(capacity: Int) {
            bytes = SampleRing.byteCount(capacity: capacity)
            base = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)!
        }
        deinit { munmap(base, bytes) }
    }

    static let samples: [Sample] = [
        Sample(t: 0, phase: .setUp, iteration: 0),
        Sample(
            t: 12.000345, phase: .workload, iteration: 1_234, allocated: 1_310_720, active: 2, resident: 3, mapped: 4,
            retained: 5, metadata: 6, mallocs: 7, frees: 8, rss: 21_000_000, fds: 9, threads: 10),
        Sample(t: 0.5, phase: .settle, iteration: Int(Int32.max), allocated: -12, rss: 4_096),
        Sample(t: 99_999.999999, phase: .tearDown, iteration: 7, fds: 0, threads: 1),
    ]

    @Test func samplesComeOutAsTheyWentIn() {
        let mapping = Mapping(capacity: 8)
        let child = SampleRing(base: mapping.base, capacity: 8, initialize: true)
        let runner = SampleRing(base: mapping.base, capacity: 8, initialize: false)
        #expect(runner.isValid)
        var reused = Self.samples[1]
        reused.reused = [.fds, .threads]
        for sample in Self.samples + [reused] { #expect(child.append(sample)) }
        var out: [Sample] = []
        #expect(runner.drain { out.append($0) } == 0)
        #expect(out == Self.samples + [reused])
        #expect(runner.drain { out.append($0) } == 0)
        #expect(out.count == Self.samples.count + 1)
    }

    @Test func aFullRingRefusesRatherThanOverwritesAndWrapsOnceDrained() {
        let mapping = Mapping(capacity: 4)
        let ring = SampleRing(base: mapping.base, capacity: 4, initialize: true)
        var out: [Int] = []
        for round in 0..<5 {
            for index in 0..<4 { #expect(ring.append(Sample(t: 0, phase: .workload, iteration: round * 4 + index))) }
            #expect(!ring.append(Sample(t: 0, phase: .workload, iteration: -1)))
            ring.drain { out.append($0.iteration) }
        }
        #expect(out == Array(0..<20))
    }

    @Test func scribbledRecordsAreCountedNotDecoded() {
        let mapping = Mapping(capacity: 4)
        let ring = SampleRing(base: mapping.base, capacity: 4, initialize: true)
        #expect(ring.append(Self.samples[1]))
        #expect(ring.append(Self.samples[2]))
        // The scenario writes over the first record's phase.
        mapping.base.storeBytes(of: UInt32(77), toByteOffset: SampleRing.headerSize + 16, as: UInt32.self)
        var out: [Sample] = []
        #expect(ring.drain { out.append($0) } == 1)
        #expect(out == [Self.samples[2]])
        // A `written` count far ahead is clamped to one ring's worth.
        (mapping.base + 16).storeBytes(of: UInt64(1_000), as: UInt64.self)
        out = []
        let unreadable = ring.drain { out.append($0) }
        #expect(out.count + unreadable == 1_000 - 2)
        #expect(out.count <= 4)
    }
}
