/// `--shard auto`: the shard a CI engine's parallel job is, read from the engine's own variables.
///
/// | engine | index | count | index base |
/// | --- | --- | --- | --- |
/// | GitLab CI (`parallel: N`) | `CI_NODE_INDEX` | `CI_NODE_TOTAL` | 1 |
/// | Kubernetes Indexed Job | `JOB_COMPLETION_INDEX` | `LEAKLAB_SHARD_TOTAL` (set it to `spec.completions`) | 0 |
/// | Buildkite (`parallelism: N`) | `BUILDKITE_PARALLEL_JOB` | `BUILDKITE_PARALLEL_JOB_COUNT` | 0 |
/// | CircleCI (`parallelism: N`) | `CIRCLE_NODE_INDEX` | `CIRCLE_NODE_TOTAL` | 0 |
///
/// Kubernetes gives a pod of an Indexed Job its index but not the Job's completions count, so the
/// count comes from `LEAKLAB_SHARD_TOTAL`, which the Job's pod template sets (docs/ci.md). An empty
/// variable counts as unset. When several engines' variables are set they must name the same
/// shard; a pair set by halves, a value that is not a decimal integer, or an index outside the
/// count is an error naming the variables.
extension Shard {
    /// One CI engine's pair of shard variables.
    public struct CIEngine: Sendable, Equatable {
        public let name: String
        public let indexVariable: String
        public let countVariable: String
        /// The number the engine gives the first job: 1 (GitLab) or 0.
        public let firstIndex: Int
        /// What to say when the index is set and the count is not.
        public let missingCountHint: String?

        public static let gitLab = CIEngine(
            name: "GitLab CI", indexVariable: "CI_NODE_INDEX", countVariable: "CI_NODE_TOTAL", firstIndex: 1,
            missingCountHint: nil)
        public static let kubernetes = CIEngine(
            name: "Kubernetes Indexed Job", indexVariable: "JOB_COMPLETION_INDEX", countVariable: "LEAKLAB_SHARD_TOTAL",
            firstIndex: 0,
            missingCountHint:
                "Kubernetes does not pass the Job's completions count to its pods: set LEAKLAB_SHARD_TOTAL to spec.completions in the pod template")
        public static let buildkite = CIEngine(
            name: "Buildkite", indexVariable: "BUILDKITE_PARALLEL_JOB", countVariable: "BUILDKITE_PARALLEL_JOB_COUNT",
            firstIndex: 0, missingCountHint: nil)
        public static let circleCI = CIEngine(
            name: "CircleCI", indexVariable: "CIRCLE_NODE_INDEX", countVariable: "CIRCLE_NODE_TOTAL", firstIndex: 0,
            missingCountHint: nil)

        /// Every engine `--shard auto` knows, in the order they are looked for.
        public static let all: [CIEngine] = [.gitLab, .kubernetes, .buildkite, .circleCI]
    }

    /// The shard the CI job running with `environment` is.
    ///
    /// - Throws: ``ShardError/noCIVariables`` when no engine's variables are set,
    ///   ``ShardError/incompleteCIVariables(engine:set:missing:hint:)`` for a pair set by halves,
    ///   ``ShardError/invalidCIVariable(name:value:reason:)`` for a value that is no integer or an
    ///   index outside the count, ``ShardError/inconsistentCIVariables(_:)`` when two engines
    ///   disagree.
    public static func fromCI(environment: [String: String]) throws(ShardError) -> Shard {
        var found: [(engine: CIEngine, shard: Shard)] = []
        for engine in CIEngine.all {
            if let shard = try engine.shard(in: environment) { found.append((engine, shard)) }
        }
        guard let first = found.first else { throw .noCIVariables }
        if found.contains(where: { $0.shard != first.shard }) {
            throw .inconsistentCIVariables(found.map { "\($0.engine.name) says \($0.shard)" })
        }
        return first.shard
    }
}

extension Shard.CIEngine {
    /// This engine's shard in `environment`; nil when neither of its variables is set.
    func shard(in environment: [String: String]) throws(ShardError) -> Shard? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return nil }
            return String(text)
        }
        let indexText = value(indexVariable), countText = value(countVariable)
        switch (indexText, countText) {
        case (nil, nil): return nil
        case (nil, _): throw .incompleteCIVariables(engine: name, set: countVariable, missing: indexVariable, hint: nil)
        case (_, nil): throw .incompleteCIVariables(engine: name, set: indexVariable, missing: countVariable, hint: missingCountHint)
        case (let indexText?, let countText?):
            guard let count = Self.decimal(countText) else {
                throw .invalidCIVariable(name: countVariable, value: countText, reason: "not a decimal integer")
            }
            guard count >= 1 else { throw .invalidCIVariable(name: countVariable, value: countText, reason: "must be at least 1") }
            guard let index = Self.decimal(indexText) else {
                throw .invalidCIVariable(name: indexVariable, value: indexText, reason: "not a decimal integer")
            }
            let last = count - 1 + firstIndex
            guard index >= firstIndex, index <= last else {
                throw .invalidCIVariable(
                    name: indexVariable, value: indexText,
                    reason: "\(name) numbers its jobs from \(firstIndex), so with \(countVariable)=\(count) it must be between \(firstIndex) and \(last)")
            }
            return try Shard(index: index - firstIndex + 1, count: count)
        }
    }

    private static func decimal(_ text: String) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
