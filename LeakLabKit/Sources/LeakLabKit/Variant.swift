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
    /// What really happens, measured.
    public var truth: GroundTruth
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
