/// A leak pattern reproduced in code: one or more variants (leaky, fixed, decoys), the parameters
/// they take, and the text that teaches it.
public struct Scenario: Sendable {
    /// Unique across every loaded plugin, kebab-case: `blocked-tasks`, `retain-cycle`.
    public var id: String
    /// A one-line title.
    public var title: String
    /// The pattern the scenario belongs to; detectors are scored per pattern.
    public var pattern: LeakPattern
    /// Two or three sentences: what the code does and what goes wrong.
    public var summary: String
    /// The training text `leaklab explain` shows.
    public var training: Training
    /// Parameters the variants accept, beyond the standard ones every scenario takes
    /// (``ParameterSpec/standard``).
    public var parameters: [ParameterSpec]
    /// Iteration counts a run uses unless the command line says otherwise.
    public var defaultIterations: Int
    /// Warm-up iterations before the workload phase; their growth is not counted.
    public var defaultWarmUp: Int
    /// The variants. Names are unique within the scenario.
    public var variants: [Variant]
    /// The most workload iterations a run may ask for, where the scenario cannot go further
    /// (a runtime limit such as libdispatch's ~255 worker threads, or a leak that grows
    /// quadratically); `nil`: no limit. The lab refuses more up front, and the audit's longer
    /// run stays within it.
    public var maximumIterations: Int?
    /// Public reports the scenario reproduces (bug reports, pull requests, forum threads); empty
    /// for a scenario written from a pattern rather than from a report.
    public var references: [Reference]

    public init(
        id: String, title: String, pattern: LeakPattern, summary: String,
        training: Training, parameters: [ParameterSpec] = [],
        defaultIterations: Int = 2_000, defaultWarmUp: Int = 100, maximumIterations: Int? = nil,
        variants: [Variant], references: [Reference] = []
    ) {
        self.maximumIterations = maximumIterations
        self.id = id
        self.title = title
        self.pattern = pattern
        self.summary = summary
        self.training = training
        self.parameters = parameters
        self.defaultIterations = defaultIterations
        self.defaultWarmUp = defaultWarmUp
        self.variants = variants
        self.references = references
        if variants.contains(where: { $0.truthForSettings != nil }),
            let defaults = try? ParameterValues(specs: parameters + ParameterSpec.standard, overrides: [:])
        {
            let settings = RunSettings(parameters: defaults, warmUpIterations: defaultWarmUp, workloadIterations: defaultIterations)
            for index in self.variants.indices where self.variants[index].truthForSettings != nil {
                self.variants[index].truth = self.variants[index].truth(for: settings)
            }
        }
    }

    /// Every parameter a variant of this scenario accepts: its own and the standard ones.
    public var allParameters: [ParameterSpec] { parameters + ParameterSpec.standard }

    /// The variant with this name, if any.
    public func variant(named name: String) -> Variant? {
        variants.first { $0.name == name }
    }
}

/// The teaching text of a scenario, shown by `leaklab explain`.
public struct Training: Sendable, Codable, Equatable {
    /// How the leak shows: RSS, allocated bytes, fds, threads.
    public var symptoms: String
    /// How to find it: which detector or tool sees it, which does not, and why.
    public var detection: String
    /// How to fix it.
    public var fix: String
    /// The Go pattern this scenario mirrors, if any.
    public var mirrors: String

    public init(symptoms: String, detection: String, fix: String, mirrors: String = "") {
        self.symptoms = symptoms
        self.detection = detection
        self.fix = fix
        self.mirrors = mirrors
    }
}
