import Glibc
import LeakLabKit
import LeakLabModel
import LeakLabProbes

/// Takes samples with the probe set and hands each to the runner at once.
final class Sampler {
    private let probes: ProbeSet
    private let channel: ChannelWriter
    private let start: Double
    private var censusEncoder: CensusLineEncoder?

    init(probes: ProbeSet, channel: ChannelWriter) {
        self.probes = probes
        self.channel = channel
        self.start = Self.now()
        self.censusEncoder = probes.tasks != nil ? CensusLineEncoder() : nil
    }

    /// Takes a task census and sends it; does nothing where tasks cannot be counted. Calls no
    /// malloc: the scan, the grouping and the encoding use memory mapped beforehand.
    func takeCensus(phase: Phase, iteration: Int) {
        guard let scanner = probes.tasks?.scanner, censusEncoder != nil else { return }
        let begin = Self.now()
        guard let census = scanner.census() else { return }
        let millis = (Self.now() - begin) * 1000
        if let line = censusEncoder!.encode(census, scanner: scanner, phase: phase, iteration: iteration, millis: millis) {
            channel.sendEncoded(line)
        }
    }

    /// Takes one sample, sends it and returns it. A probe that fails is an error, never a silent 0.
    /// `periodic`: a sample every few iterations within a phase, which may reuse the slow /proc
    /// figures (``ProcProbe``). `countTasks`: whether the sample must carry the task count; when
    /// false, ``TaskProbe`` counts only within its time budget. By default a periodic sample need
    /// not count and any other must: samples at phase changes read everything afresh.
    @discardableResult
    func take(phase: Phase, iteration: Int, periodic: Bool = false, countTasks: Bool? = nil) throws(ProbeError) -> Sample {
        probes.tasks?.mustCount = countTasks ?? !periodic
        var sample = Sample(t: Self.now() - start, phase: phase, iteration: iteration)
        try probes.read(into: &sample, mayReuse: periodic)
        channel.send(.sample(sample))
        return sample
    }

    /// Whether samples can carry the task count (the task probe exists).
    var countsTasks: Bool { probes.tasks != nil }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
