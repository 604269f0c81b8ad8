import LeakLabModel

/// Scores detectors against the truth of the runs they judged.
public enum Scoring {
    /// Every detector's score over `runs`: overall, per pattern, and its flip rate across repeats.
    ///
    /// - Parameter detectors: the detectors to score, in order; by default every detector that
    ///   gave a verdict on some run, in order of first appearance.
    public static func score(_ runs: [RunRecord], detectors: [String]? = nil) -> [DetectorScore] {
        let names = detectors ?? detectorNames(in: runs)
        let patterns = Dictionary(grouping: runs, by: \.pattern)
        return names.map { name in
            let flips = flipRate(runs, detector: name)
            return DetectorScore(
                detector: name, overall: DetectorMetrics(detector: name, runs: runs),
                byPattern: patterns.mapValues { DetectorMetrics(detector: name, runs: $0) },
                flipRate: flips.rate, repeatGroups: flips.groups)
        }
    }

    /// Detector names in order of first appearance across `runs`.
    public static func detectorNames(in runs: [RunRecord]) -> [String] {
        var seen = Set<String>(), names: [String] = []
        for run in runs {
            for verdict in run.verdicts where seen.insert(verdict.detector).inserted { names.append(verdict.detector) }
        }
        return names
    }

    /// How often `detector`'s verdict flips across repeats: runs with the same
    /// ``RunRecord/repeatKey`` (scenario, variant, allocator) form a group; a group flips when its
    /// judged verdicts are not all the same. Failed verdicts are left out; groups with fewer than two
    /// judged runs do not count. `rate` is `nil` when no group counts.
    public static func flipRate(_ runs: [RunRecord], detector: String) -> (rate: Double?, groups: Int) {
        var verdicts: [String: [Bool]] = [:]
        for run in runs {
            guard let leak = run.verdict(of: detector)?.leak else { continue }
            verdicts[run.repeatKey, default: []].append(leak)
        }
        let groups = verdicts.values.filter { $0.count >= 2 }
        guard !groups.isEmpty else { return (nil, 0) }
        let flipped = groups.filter { Set($0).count > 1 }.count
        return (Double(flipped) / Double(groups.count), groups.count)
    }
}
