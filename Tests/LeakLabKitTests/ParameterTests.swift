import LeakLabKit
import Testing

@Suite struct ParameterTests {
    let specs: [ParameterSpec] = [
        .integer("size", default: 64, range: 1...1_024, help: "bytes"),
        .boolean("weak", default: false, help: "capture weakly"),
        .choice("policy", ["lru", "ttl"], default: "lru", help: "eviction"),
    ]

    @Test func defaultsApplyWhenNothingIsSet() throws {
        let values = try ParameterValues(specs: specs)
        #expect(values.integer("size") == 64)
        #expect(values.boolean("weak") == false)
        #expect(values.string("policy") == "lru")
    }

    @Test func overridesAreValidatedAndCanonicalised() throws {
        let values = try ParameterValues(specs: specs, overrides: ["size": "1_000", "weak": "yes", "policy": "ttl"])
        #expect(values.integer("size") == 1_000)
        #expect(values.boolean("weak"))
        #expect(values.values["weak"] == "true")
    }

    @Test(arguments: [
        ("size", "0", "0 is outside 1...1024"),
        ("size", "big", "'big' is not an integer"),
        ("weak", "maybe", "'maybe' is not true or false"),
        ("policy", "fifo", "'fifo' is not one of lru, ttl"),
    ])
    func invalidValuesNameTheParameterAndTheProblem(name: String, value: String, message: String) {
        #expect(throws: ParameterError(name: name, message: message)) {
            _ = try ParameterValues(specs: specs, overrides: [name: value])
        }
    }

    @Test func anUnknownParameterListsTheKnownOnes() {
        do {
            _ = try ParameterValues(specs: specs, overrides: ["colour": "red"])
            Issue.record("an unknown parameter was accepted")
        } catch {
            #expect(error.name == "colour")
            #expect(error.description.contains("policy, size, weak"))
        }
    }

    @Test func everyStandardDefaultIsValid() throws {
        for spec in ParameterSpec.standard {
            #expect(try spec.validate(spec.defaultValue) == spec.defaultValue)
        }
    }
}

@Suite struct GroundTruthTests {
    @Test func aLeakToleratesFifteenPercentPlusSixtyFourBytes() {
        let truth = GroundTruth.leak(reachable: false, bytes: 1_000, objects: 2, fds: 1)
        #expect(truth.verdict == .leak && truth.verdict.isLeak)
        #expect(truth.tolerance.bytes == 214)
        #expect(truth.tolerance.fds == 0)
        #expect(truth.perIteration.fds == 1)
    }

    @Test func decoysAndCleanVariantsAreNegatives() {
        #expect(!GroundTruth.bounded().verdict.isLeak)
        #expect(!GroundTruth.clean().verdict.isLeak)
        #expect(GroundTruth.clean().perIteration == .zero)
    }

    @Test func phasesAreOrdered() {
        #expect(Phase.setUp < Phase.warmUp && Phase.warmUp < Phase.workload && Phase.settle < Phase.tearDown)
    }
}
