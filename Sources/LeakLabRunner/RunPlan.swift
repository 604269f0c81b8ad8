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
    public var flushThreadCache: Bool

    public init(
        entry: PluginCatalog.Entry, variant: Variant, allocator: AllocatorName = .jemalloc,
        warmUpIterations: Int? = nil, workloadIterations: Int? = nil,
        parameterOverrides: [String: String] = [:], budgets: Budgets = .default,
        mallocConf: String? = nil, settleMillis: Int = 300, flushThreadCache: Bool = false
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
        self.flushThreadCache = flushThreadCache
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
        return RunRequest(
            pluginPath: entry.plugin.path, scenario: scenario.id, variant: variant.name,
            parameters: parameters.values, warmUpIterations: warmUp, workloadIterations: workload,
            sampleEvery: RunRequest.sampleInterval(iterations: warmUp + workload),
            settleMillis: settleMillis, allocator: allocator, budgets: budgets,
            flushThreadCache: flushThreadCache)
    }
}
