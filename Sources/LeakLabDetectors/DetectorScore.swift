import LeakLabModel

/// One detector's score: overall, per pattern, and how stable its verdicts are across repeats.
///
/// JSON (in `validate --json`'s `detectors`): the overall ``DetectorMetrics`` fields flattened beside
/// `detector`, then `byPattern: {pattern: DetectorMetrics}`, `flipRate` and `repeatGroups`:
/// `{detector, tp, fp, fn, tn, failed, precision, recall, f1, medianLatency, medianRateError,
/// byPattern, flipRate, repeatGroups}`.
public struct DetectorScore: Codable, Sendable, Equatable {
    public var detector: String
    public var overall: DetectorMetrics
    public var byPattern: [String: DetectorMetrics]
    /// The fraction of repeat groups (same scenario, variant and allocator; different seeds)
    /// whose verdicts differ; `nil` when no group has two judged runs.
    public var flipRate: Double?
    /// Repeat groups with at least two judged runs.
    public var repeatGroups: Int

    public init(
        detector: String, overall: DetectorMetrics, byPattern: [String: DetectorMetrics],
        flipRate: Double? = nil, repeatGroups: Int = 0
    ) {
        self.detector = detector
        self.overall = overall
        self.byPattern = byPattern
        self.flipRate = flipRate
        self.repeatGroups = repeatGroups
    }

    private enum CodingKeys: String, CodingKey {
        case detector, byPattern, flipRate, repeatGroups
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        detector = try container.decode(String.self, forKey: .detector)
        overall = try DetectorMetrics(from: decoder)
        byPattern = try container.decode([String: DetectorMetrics].self, forKey: .byPattern)
        flipRate = try container.decodeIfPresent(Double.self, forKey: .flipRate)
        repeatGroups = try container.decodeIfPresent(Int.self, forKey: .repeatGroups) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(detector, forKey: .detector)
        try container.encode(byPattern, forKey: .byPattern)
        try container.encodeIfPresent(flipRate, forKey: .flipRate)
        try container.encode(repeatGroups, forKey: .repeatGroups)
        try overall.encode(to: encoder)
    }
}
