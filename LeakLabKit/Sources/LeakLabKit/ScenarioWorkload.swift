/// The code a variant runs. The host creates one per run and drives it through the phases:
///
/// 1. ``setUp(context:)`` once;
/// 2. ``iteration(_:context:)`` for each warm-up, then each workload iteration;
/// 3. ``settle(context:)`` once, after which the host waits and samples (give memory back here if
///    the fix calls for it: cancel, finish, trim);
/// 4. ``tearDown(context:)`` once.
///
/// All calls come from one task, one after another, so a workload needs no locks for its own
/// state. Iterations may be async: the Swift concurrency runtime is part of what is under test.
/// Throwing from any phase ends the run as `failed` with the error's description.
public protocol ScenarioWorkload: AnyObject {
    func setUp(context: ScenarioContext) async throws
    func iteration(_ index: Int, context: ScenarioContext) async throws
    func settle(context: ScenarioContext) async throws
    func tearDown(context: ScenarioContext) async throws
}

extension ScenarioWorkload {
    public func setUp(context: ScenarioContext) async throws {}
    public func settle(context: ScenarioContext) async throws {}
    public func tearDown(context: ScenarioContext) async throws {}
}

/// What the host tells a workload while it runs.
public final class ScenarioContext: @unchecked Sendable {
    /// The validated parameters of this run.
    public let parameters: ParameterValues
    /// Warm-up iterations of this run (their indices are `0..<warmUpIterations`).
    public let warmUpIterations: Int
    /// Workload iterations of this run (indices `warmUpIterations..<warmUpIterations + workloadIterations`).
    public let workloadIterations: Int
    /// The phase being run. Set by the host only.
    public internal(set) var phase: Phase = .setUp
    /// A generator seeded from the `seed` parameter, so runs repeat.
    public var random: SeededRandom

    public init(parameters: ParameterValues, warmUpIterations: Int = 0, workloadIterations: Int = 0) {
        self.parameters = parameters
        self.warmUpIterations = warmUpIterations
        self.workloadIterations = workloadIterations
        self.random = SeededRandom(seed: UInt64(truncatingIfNeeded: parameters.integer("seed")))
    }

    /// This run's settings, as ``Variant/truth(for:)`` takes them.
    public var settings: RunSettings {
        RunSettings(parameters: parameters, warmUpIterations: warmUpIterations, workloadIterations: workloadIterations)
    }

    /// Host side: moves the context to the next phase. Underscored: not for workloads.
    public func _enter(_ phase: Phase) { self.phase = phase }
}

/// SplitMix64: small, fast and repeatable; good enough to pick sizes and keys.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
