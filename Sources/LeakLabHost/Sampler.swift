import Glibc
import LeakLabKit
import LeakLabModel
import LeakLabProbes

/// Takes samples with the probe set and hands each to the runner at once.
final class Sampler {
    private let probes: ProbeSet
    private let channel: ChannelWriter
    private let flushThreadCache: Bool
    private let start: Double

    init(probes: ProbeSet, channel: ChannelWriter, flushThreadCache: Bool) {
        self.probes = probes
        self.channel = channel
        self.flushThreadCache = flushThreadCache
        self.start = Self.now()
    }

    /// Takes one sample, sends it and returns it. A probe that fails is an error, never a silent 0.
    /// `periodic`: a sample every few iterations within a phase, which may reuse the slow /proc
    /// figures (``ProcProbe``); samples at phase changes and in settle read everything afresh.
    @discardableResult
    func take(phase: Phase, iteration: Int, periodic: Bool = false) throws(ProbeError) -> Sample {
        if flushThreadCache { probes.jemalloc?.flushThreadCache() }
        var sample = Sample(t: Self.now() - start, phase: phase, iteration: iteration)
        try probes.read(into: &sample, mayReuse: periodic)
        channel.send(.sample(sample))
        return sample
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
