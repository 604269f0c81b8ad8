import LeakLabKit
import Testing

/// A workload that does nothing, for manifests built in tests.
final class IdleWorkload: ScenarioWorkload {
    func iteration(_ index: Int, context: ScenarioContext) async throws {}
}

@Suite struct ManifestValidationTests {
    func manifest(id: String, variants: [String]) -> PluginManifest {
        let scenario = Scenario(
            id: id, title: "t", pattern: .unboundedCache, summary: "s",
            training: Training(symptoms: "", detection: "", fix: ""),
            variants: variants.map { Variant(name: $0, role: .fixed, summary: "", truth: .clean()) { _ in IdleWorkload() } })
        return PluginManifest(name: "p", scenarios: [scenario])
    }

    @Test func kebabCaseIdsAndUniqueVariantsAreValid() {
        #expect(manifest(id: "dictionary-cache", variants: ["no-eviction", "lru-2"]).validationProblem == nil)
    }

    @Test(arguments: [
        ("Dictionary Cache", ["a"], "not kebab-case"),
        ("evil\u{1B}[31m", ["a"], "not kebab-case"),
        ("ok", ["bad name"], "not kebab-case"),
        ("ok", ["twice", "twice"], "two variants named 'twice'"),
        ("ok", [], "has no variants"),
        ("-leading", ["a"], "not kebab-case"),
    ])
    func invalidManifestsNameTheProblem(id: String, variants: [String], problem: String) throws {
        let message = try #require(manifest(id: id, variants: variants).validationProblem)
        #expect(message.contains(problem))
    }

    func scenario(
        truth: GroundTruth = .clean(), parameters: [ParameterSpec] = [], iterations: Int = 100, warmUp: Int = 0
    ) -> PluginManifest {
        let scenario = Scenario(
            id: "s", title: "t", pattern: .unboundedCache, summary: "s", training: Training(symptoms: "", detection: "", fix: ""),
            parameters: parameters, defaultIterations: iterations, defaultWarmUp: warmUp,
            variants: [Variant(name: "v", role: .leaky, summary: "", truth: truth) { _ in IdleWorkload() }])
        return PluginManifest(name: "p", scenarios: [scenario])
    }

    /// Figures and settings a run could not use are refused when the plugin loads, naming the
    /// field, instead of trapping later (a NaN rate once crashed `list`).
    @Test func truthsAndSettingsARunCannotUseAreRefusedByName() throws {
        #expect(scenario().validationProblem == nil)
        let nan = try #require(scenario(truth: .leak(.heap(.reachable, bytes: .nan, objects: 1))).validationProblem)
        #expect(nan.contains("s/v") && nan.contains("bytes") && nan.contains("nan"), "\(nan)")
        let negative = try #require(scenario(truth: .leak(.heap(.reachable, bytes: 8, objects: -1))).validationProblem)
        #expect(negative.contains("objects") && negative.contains("negative"), "\(negative)")
        let infinite = try #require(scenario(truth: .leak(.heap(.reachable, bytes: .infinity, objects: 1))).validationProblem)
        #expect(infinite.contains("finite"), "\(infinite)")
        let outside = try #require(scenario(parameters: [.integer("n", default: 500, range: 1...10, help: "")]).validationProblem)
        #expect(outside.contains("'n'") && outside.contains("500"), "\(outside)")
        let twice = try #require(
            scenario(parameters: [.integer("n", default: 5, range: 1...10, help: ""), .boolean("n", default: true, help: "")]).validationProblem)
        #expect(twice.contains("'n' twice"), "\(twice)")
        let standard = try #require(scenario(parameters: [.integer("seed", default: 1, range: 0...9, help: "")]).validationProblem)
        #expect(standard.contains("already takes it"), "\(standard)")
        #expect(try #require(scenario(iterations: 0).validationProblem).contains("defaultIterations is 0"))
        #expect(try #require(scenario(warmUp: -5).validationProblem).contains("defaultWarmUp is -5"))
    }
}
