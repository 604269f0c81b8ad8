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
}
