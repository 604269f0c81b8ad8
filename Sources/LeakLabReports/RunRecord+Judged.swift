import LeakLabDetectors
import LeakLabModel

extension RunRecord {
    /// The record with `detectors`' verdicts on its trace, in order, in place of any it had.
    public func judged(by detectors: [any LeakDetector]) -> RunRecord {
        var judged = self
        judged.verdicts = DetectorRegistry.evaluate(detectors, on: trace)
        return judged
    }
}
