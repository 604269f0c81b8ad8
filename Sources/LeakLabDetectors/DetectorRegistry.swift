import LeakLabModel

/// The built-in detectors, in the order reports list them.
public enum DetectorRegistry {
    /// Every built-in detector type. A test checks this against the `Detector+*.swift` files.
    public static let builtInTypes: [any BuiltInDetector.Type] = [
        ThresholdsDetector.self,
        TrendDetector.self,
        SettleDetector.self,
        ResourcesDetector.self,
        RSSDetector.self,
        ResidentDeltaDetector.self,
        TaskLeakDetector.self,
        ChannelsDetector.self,
        AllocationCounterDetector.self,
    ]

    /// Every built-in detector with its default settings.
    public static var builtIns: [any LeakDetector] { builtInTypes.map { $0.init() } }

    /// The built-in names: `thresholds`, `trend`, `settle`, `resources`, `rss`, `resident-delta`, `task-leak`,
    /// `channels`, `allocation-counter`.
    public static var names: [String] { builtInTypes.map { $0.name } }

    /// The built-in detector called `name`, or `nil`.
    public static func detector(named name: String) -> (any LeakDetector)? {
        builtInTypes.first { $0.name == name }.map { $0.init() }
    }

    /// Every detector's verdict on `trace`, in order.
    public static func evaluate(_ detectors: [any LeakDetector], on trace: Trace) -> [DetectorVerdict] {
        detectors.map { $0.evaluate(trace) }
    }
}
