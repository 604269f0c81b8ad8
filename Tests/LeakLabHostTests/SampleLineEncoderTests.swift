import Foundation
import LeakLabHost
import LeakLabModel
import Testing

@Suite struct SampleLineEncoderTests {
    /// The runner decodes the fast encoder's lines with JSONDecoder: they must mean the same.
    @Test(arguments: [
        Sample(t: 0, phase: .setUp, iteration: 0),
        Sample(
            t: 12.000345, phase: .workload, iteration: 1_234, allocated: 1_310_720, active: 2, resident: 3, mapped: 4,
            retained: 5, metadata: 6, mallocs: 7, frees: 8, rss: 21_000_000, fds: 9, threads: 10, tasks: 11),
        Sample(t: 0.5, phase: .settle, iteration: Int(Int32.max), allocated: -12, rss: 4_096),
        Sample(t: 99_999.999999, phase: .tearDown, iteration: 7, fds: 0, threads: 1),
    ])
    func aSampleLineDecodesToTheSameMessage(_ sample: Sample) throws {
        var encoder = SampleLineEncoder()
        let line = Data(encoder.encode(sample))
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().firstIndex(of: UInt8(ascii: "\n")) == nil)
        let decoded = try JSONDecoder().decode(ChildMessage.self, from: line.dropLast())
        guard case .sample(let back) = decoded else {
            Issue.record("decoded \(decoded)")
            return
        }
        #expect(abs(back.t - sample.t) < 1e-6)
        var expected = sample
        expected.t = back.t
        #expect(back == expected)
    }

    @Test func absentMetricsAreLeftOut() {
        var encoder = SampleLineEncoder()
        let text = String(decoding: encoder.encode(Sample(t: 1, phase: .warmUp, iteration: 2, rss: 3)), as: UTF8.self)
        #expect(text == #"{"sample":{"_0":{"t":1.000000,"phase":"warmUp","iteration":2,"rss":3}}}"# + "\n")
    }
}
