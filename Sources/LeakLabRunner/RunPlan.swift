import LeakLabKit
import LeakLabModel

/// Everything needed to run one variant once.
public struct RunPlan: Sendable {
    public var entry: PluginCatalog.Entry
    public var variant: Variant
    public var allocator: AllocatorName
    /// Warm-up iterations; the scenario's default when `nil`.
    public var warmUpIterations: Int?
    /// Workload iterations; the scenario's default when `nil`.
    public var workloadIterations: Int?
    /// `--param` values as given; validated by ``resolved()``.
    public var parameterOverrides: [String: String]
    public var budgets: Budgets
    /// `MALLOC_CONF` for jemalloc runs (e.g. `tcache:false` for exact accounting).
    public var mallocConf: String?
    public var settleMillis: Int
    /// `--allocator-option` values as given (``AllocatorOptions``); those of other allocators
    /// are ignored, so one set serves every allocator of a comparison.
    public var allocatorOptions: [String: String]
    /// Sample every this many iterations; by default about 200 samples a run. Scripts/bench sets
    /// it very high to time a run with sampling (almost) off.
    public var sampleEvery: Int?
    /// Samples taken during settle; the child's default (6) when `nil`. More samples time how
    /// fast an allocator gives memory back more finely.
    public var settleSamples: Int?

    public init(
        entry: PluginCatalog.Entry, variant: Variant, allocator: AllocatorName = .jemalloc,
        warmUpIterations: Int? = nil, workloadIterations: Int? = nil,
        parameterOverrides: [String: String] = [:], budgets: Budgets = .default,
        mallocConf: String? = nil, settleMillis: Int = 300,
        allocatorOptions: [String: String] = [:]
    ) {
        self.entry = entry
        self.variant = variant
        self.allocator = allocator
        self.warmUpIterations = warmUpIterations
        self.workloadIterations = workloadIterations
        self.parameterOverrides = parameterOverrides
        self.budgets = budgets
        self.mallocConf = mallocConf
        self.settleMillis = settleMillis
        self.allocatorOptions = allocatorOptions
    }

    /// What the allocator options do to this plan's child.
    /// - Throws: ``RunnerError/usage(_:)`` for a bad option value.
    public func allocatorSettings() throws(RunnerError) -> AllocatorOptions.Settings {
        try AllocatorOptions(allocatorOptions).environment(for: allocator)
    }

    /// The variant's truth at this plan's settings (``Variant/truth(for:)``): its declared truth,
    /// or what its truth function gives for these parameters and iteration counts.
    /// - Throws: ``RunnerError/usage(_:)`` for an unknown or invalid parameter or iteration count.
    public func truth() throws(RunnerError) -> GroundTruth {
        let request = try request()
        guard variant.truthForSettings != nil else { return variant.truth }
        guard let parameters = try? ParameterValues(specs: entry.scenario.allParameters, overrides: request.parameters) else {
            return variant.truth
        }
        return variant.truth(
            for: RunSettings(
                parameters: parameters, warmUpIterations: request.warmUpIterations,
                workloadIterations: request.workloadIterations))
    }

    /// The child's request, with parameters validated against the scenario.
    /// - Throws: ``RunnerError/usage(_:)`` for an unknown or invalid parameter or iteration count.
    public func request() throws(RunnerError) -> RunRequest {
        let scenario = entry.scenario
        let parameters: ParameterValues
        do {
            parameters = try ParameterValues(specs: scenario.allParameters, overrides: parameterOverrides)
        } catch {
            throw .usage("\(scenario.id): \(error)")
        }
        let warmUp = warmUpIterations ?? scenario.defaultWarmUp
        let workload = workloadIterations ?? scenario.defaultIterations
        guard warmUp >= 0, workload >= 2 else {
            throw .usage("iterations must be at least 2 and warm-up at least 0 (got \(workload) and \(warmUp))")
        }
        if let maximum = scenario.maximumIterations, workload > maximum {
            throw .usage("\(scenario.id) runs at most \(maximum) workload iterations (asked for \(workload)): lower --iterations")
        }
        let settings = try allocatorSettings()
        return RunRequest(
            pluginPath: entry.plugin.path, scenario: scenario.id, variant: variant.name,
            parameters: parameters.values, warmUpIterations: warmUp, workloadIterations: workload,
            sampleEvery: max(1, sampleEvery ?? RunRequest.sampleInterval(iterations: warmUp + workload)),
            settleMillis: settleMillis,
            settleSamples: settleSamples ?? 6, allocator: allocator, budgets: budgets,
            trimAtSettle: settings.trimAtSettle)
    }
}
