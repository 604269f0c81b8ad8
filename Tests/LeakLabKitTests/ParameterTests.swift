import Foundation
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

@Suite struct GroundTruthV2Tests {
    @Test func partsSumIntoThePerIterationFiguresAndSayWhoCanSeeThem() {
        let tree = GroundTruth.leak(.heap(.unreachable, bytes: 64, objects: 1), .heap(.reachable, bytes: 48, objects: 1), .fds(1))
        #expect(tree.perIteration == Leakage(bytes: 112, objects: 2, fds: 1))
        #expect(tree.heapBytes(.unreachable) == 64 && tree.heapBytes(.reachable) == 48)
        #expect(tree.leakKinds == [.unreachableHeap, .reachableHeap, .fds])
        #expect(tree.reachable, "v1's flag: some of it is still reachable")
        #expect(GroundTruth.clean().leakKinds.isEmpty)
    }

    @Test func defaultTolerancesAreExactForCountsAndBelowEveryDeclaredFigure() {
        let truth = GroundTruth.leak(.heap(.unreachable, bytes: 48, objects: 1), .threads(1), .tasks(2))
        #expect(truth.tolerance.bytes == 4 && truth.tolerance.objects == 0.02)
        #expect(truth.tolerance.threads == 0 && truth.tolerance.tasks == 0)
        for metric in truth.declaredMetrics { #expect(truth.tolerance[metric] < truth.perIteration[metric]) }
    }

    @Test func requestedBytesAreKeptBesideServedOnes() {
        let truth = GroundTruth.leak(.heap(.unreachable, bytes: 32, requested: 20, objects: 1))
        #expect(truth.perIteration.bytes == 32 && truth.requestedBytes == 20)
    }

    @Test func aRandomRateIsAMeanAndASpread() {
        let truth = GroundTruth.leak(.fds(0.615), spread: Leakage(fds: 0.315))
        #expect(truth.rateVaries && truth.tolerance.fds == 0.315)
    }

    @Test func truthJSONWrittenByAPIVersionOneStillDecodes() throws {
        let v1 =
            #"{"verdict":"leak","reachable":true,"perIteration":{"bytes":100,"objects":1,"tasks":0,"threads":0,"fds":0},"tolerance":{"bytes":79,"objects":2,"tasks":0,"threads":0,"fds":0},"note":""}"#
        let truth = try JSONDecoder().decode(GroundTruth.self, from: Data(v1.utf8))
        #expect(truth.shape == .linear && truth.expectedOutcome == .completed && truth.perIteration.nonHeapBytes == 0)
        let roundTrip = try JSONDecoder().decode(GroundTruth.self, from: JSONEncoder().encode(GroundTruth.leak(.fds(1), shape: .onset(.fraction(0.6)))))
        #expect(roundTrip.shape == .onset(.fraction(0.6)))
    }

    @Test func aTruthThatDependsOnItsSettingsIsResolvedAtTheScenarioDefaults() throws {
        let scenario = Scenario(
            id: "s", title: "t", pattern: .unboundedCache, summary: "", training: Training(symptoms: "", detection: "", fix: ""),
            parameters: [.integer("payload-bytes", default: 100, range: 1...1_000, help: "")], defaultIterations: 500,
            variants: [
                Variant(
                    name: "v", role: .leaky, summary: "",
                    truth: { run in
                        .leak(
                            .heap(.reachable, bytes: Double(run.parameters.integer("payload-bytes") + 48), objects: 1),
                            shape: .onset(.iteration(run.workloadIterations / 2)))
                    }, makeWorkload: { _ in throw CancellationError() })
            ])
        let variant = try #require(scenario.variants.first)
        #expect(variant.truth.perIteration.bytes == 148)
        #expect(variant.truth.shape == .onset(.iteration(250)))
        let other = try ParameterValues(specs: scenario.allParameters, overrides: ["payload-bytes": "200"])
        #expect(variant.truth(for: RunSettings(parameters: other, warmUpIterations: 0, workloadIterations: 100)).perIteration.bytes == 248)
    }
}
