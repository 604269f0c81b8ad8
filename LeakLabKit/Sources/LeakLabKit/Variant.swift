/// One way of running a scenario: the leaky code, its fix, or a look-alike.
public struct Variant: Sendable {
    /// The part a variant plays in its scenario.
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Has the leak.
        case leaky
        /// The same code with the leak fixed.
        case fixed
        /// Looks like a leak at first (it grows) but is bounded: a trap for naive detectors.
        case decoy
    }

    /// Unique within the scenario, kebab-case: `never-resumed`, `resumed`.
    public var name: String
    public var role: Role
    /// One line: what this variant does differently.
    public var summary: String
    /// What really happens, measured, at the scenario's default parameters and iteration counts.
    /// Runs at other settings use ``truth(for:)``.
    public var truth: GroundTruth
    /// The truth at other settings, when it depends on them (e.g. bytes = payload + 48, or a leak
    /// that starts at an onset given as a parameter). `nil`: ``truth`` holds at every setting.
    public var truthForSettings: (@Sendable (RunSettings) -> GroundTruth)?
    /// Where the variant's code is, so `leaklab explain` can show the real thing.
    public var source: SourceLocation?
    /// Makes a fresh workload for one run, from validated parameters.
    public var makeWorkload: @Sendable (ParameterValues) throws -> any ScenarioWorkload

    public init(
        name: String, role: Role, summary: String, truth: GroundTruth,
        source: SourceLocation? = nil,
        makeWorkload: @escaping @Sendable (ParameterValues) throws -> any ScenarioWorkload
    ) {
        self.name = name
        self.role = role
        self.summary = summary
        self.truth = truth
        self.source = source
        self.makeWorkload = makeWorkload
    }

    /// A variant whose truth depends on its parameters or iteration counts: `truth` computes it
    /// for each run. ``truth`` becomes its value at the scenario's defaults (``Scenario`` fills
    /// it in).
    ///
    /// ```swift
    /// Variant(name: "keeps-payload", role: .leaky, summary: "…", source: …,
    ///         truth: { run in .leak(.heap(.reachable, bytes: Double(run.parameters.integer("payload-bytes") + 48), objects: 2)) },
    ///         makeWorkload: { … })
    /// ```
    public init(
        name: String, role: Role, summary: String, source: SourceLocation? = nil,
        truth: @escaping @Sendable (RunSettings) -> GroundTruth,
        makeWorkload: @escaping @Sendable (ParameterValues) throws -> any ScenarioWorkload
    ) {
        self.name = name
        self.role = role
        self.summary = summary
        self.truth = .clean(note: "not resolved: the scenario fills this in from its defaults")
        self.truthForSettings = truth
        self.source = source
        self.makeWorkload = makeWorkload
    }

    /// The truth of a run at `settings`.
    public func truth(for settings: RunSettings) -> GroundTruth {
        truthForSettings?(settings) ?? truth
    }
}

/// The settings of one run, as a variant's truth and workload see them.
public struct RunSettings: Sendable {
    /// The validated parameters.
    public var parameters: ParameterValues
    /// Warm-up iterations before the workload.
    public var warmUpIterations: Int
    /// Workload (measured) iterations.
    public var workloadIterations: Int

    public init(parameters: ParameterValues, warmUpIterations: Int, workloadIterations: Int) {
        self.parameters = parameters
        self.warmUpIterations = warmUpIterations
        self.workloadIterations = workloadIterations
    }
}

/// A region of a source file, marked in the file by `// leaklab:begin NAME` and `// leaklab:end NAME`.
///
/// Pass `#filePath` so the lab can read the code back while the source tree is present; it is
/// shown verbatim by `leaklab explain`.
public struct SourceLocation: Sendable, Codable, Equatable {
    public var file: String
    public var region: String

    public init(file: String = #filePath, region: String) {
        self.file = file
        self.region = region
    }
}
