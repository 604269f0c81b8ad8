import LeakLabKit
import LeakLabModel

/// Finds when a detector would first have said leak, had it watched the samples arrive.
public enum OnlineEvaluation {
    /// The iteration of the first sample at which `saysLeak` holds for the trace cut after that
    /// sample; `nil` when it never does.
    ///
    /// Only prefixes that reach the workload are tried (a leak is not judged before the workload
    /// starts). At most `probes` evenly spaced prefixes are tried first; the gap before the first
    /// one that says leak is then refined by bisection, which assumes that once a prefix says leak
    /// the longer ones up to that probe do too. Cost: about `probes + log2(samples / probes)`
    /// evaluations.
    public static func firstLeakIteration(
        in trace: Trace, probes: Int = 50, saysLeak: (Trace) -> Bool
    ) -> Int? {
        guard let start = trace.samples.firstIndex(where: { $0.phase >= .workload }) else { return nil }
        let candidates = Array(start..<trace.samples.count)
        let probeCount = max(1, min(probes, candidates.count))
        // Evenly spaced probes; the last one is always the full trace.
        var probeIndices: [Int] = []
        for k in 1...probeCount {
            let position = (k * candidates.count + probeCount - 1) / probeCount - 1
            let index = candidates[min(candidates.count - 1, max(0, position))]
            if probeIndices.last != index { probeIndices.append(index) }
        }
        var previous = start - 1
        for index in probeIndices {
            if saysLeak(trace.prefix(through: index)) {
                var low = previous + 1, high = index
                while low < high {
                    let mid = (low + high) / 2
                    if saysLeak(trace.prefix(through: mid)) { high = mid } else { low = mid + 1 }
                }
                return trace.samples[high].iteration
            }
            previous = index
        }
        return nil
    }
}
