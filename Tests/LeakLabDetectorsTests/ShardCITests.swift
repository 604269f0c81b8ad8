import Foundation
import LeakLabDetectors
import Testing

/// `--shard auto`: the shard read from each CI engine's own variables, and the errors that say
/// which variable is wrong.
@Suite struct ShardCITests {
    @Test func gitLabNumbersItsNodesFromOne() throws {
        let shard = try Shard.fromCI(environment: ["CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "4"])
        #expect(shard == (try Shard(index: 3, count: 4)))
    }

    @Test func aKubernetesIndexedJobNumbersFromZeroAndTakesItsCountFromLeakLabShardTotal() throws {
        let shard = try Shard.fromCI(environment: ["JOB_COMPLETION_INDEX": "0", "LEAKLAB_SHARD_TOTAL": "5"])
        #expect(shard == (try Shard(index: 1, count: 5)))
        #expect(try Shard.fromCI(environment: ["JOB_COMPLETION_INDEX": "4", "LEAKLAB_SHARD_TOTAL": "5"]).description == "5/5")
    }

    @Test func buildkiteNumbersItsParallelJobsFromZero() throws {
        let shard = try Shard.fromCI(environment: ["BUILDKITE_PARALLEL_JOB": "1", "BUILDKITE_PARALLEL_JOB_COUNT": "3"])
        #expect(shard.description == "2/3")
    }

    @Test func circleCINumbersItsNodesFromZero() throws {
        let shard = try Shard.fromCI(environment: ["CIRCLE_NODE_INDEX": "0", "CIRCLE_NODE_TOTAL": "2"])
        #expect(shard.description == "1/2")
    }

    @Test func autoInTheParserReadsTheEnvironmentItIsGiven() throws {
        let environment = ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "2", "HOME": "/root"]
        #expect(try Shard(parsing: "auto", environment: environment).description == "2/2")
        #expect(try Shard(parsing: " auto ", environment: environment).description == "2/2")
        // I/N ignores the environment.
        #expect(try Shard(parsing: "1/3", environment: environment).description == "1/3")
    }

    @Test func aShardFileSayingAutoDoesNotDecode() {
        // A result file records the shard it ran as I/N; "auto" in a file would be read on another machine.
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode([Shard].self, from: Data(#"["auto"]"#.utf8))
        }
    }

    @Test func noVariablesIsAnErrorListingWhatWasLookedFor() {
        let error = #expect(throws: ShardError.noCIVariables) {
            try Shard.fromCI(environment: ["PATH": "/usr/bin", "CI": "true"])
        }
        let message = error?.description ?? ""
        for name in ["CI_NODE_INDEX", "JOB_COMPLETION_INDEX", "LEAKLAB_SHARD_TOTAL", "BUILDKITE_PARALLEL_JOB", "CIRCLE_NODE_INDEX", "--shard I/N"] {
            #expect(message.contains(name), "\(message) names \(name)")
        }
    }

    @Test func emptyVariablesCountAsUnset() {
        #expect(throws: ShardError.noCIVariables) { try Shard.fromCI(environment: ["CI_NODE_INDEX": "", "CI_NODE_TOTAL": " "]) }
    }

    @Test func aKubernetesIndexWithoutLeakLabShardTotalSaysToSetIt() {
        let error = #expect(throws: ShardError.self) { try Shard.fromCI(environment: ["JOB_COMPLETION_INDEX": "2"]) }
        guard case .incompleteCIVariables(_, "JOB_COMPLETION_INDEX", "LEAKLAB_SHARD_TOTAL", _)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(error!.description.contains("set LEAKLAB_SHARD_TOTAL to spec.completions"))
    }

    @Test func aCountWithoutItsIndexNamesTheMissingVariable() {
        #expect(throws: ShardError.incompleteCIVariables(engine: "CircleCI", set: "CIRCLE_NODE_TOTAL", missing: "CIRCLE_NODE_INDEX", hint: nil)) {
            try Shard.fromCI(environment: ["CIRCLE_NODE_TOTAL": "4"])
        }
    }

    @Test(arguments: [
        (["CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "4"], "CI_NODE_INDEX"),  // GitLab starts at 1
        (["CI_NODE_INDEX": "5", "CI_NODE_TOTAL": "4"], "CI_NODE_INDEX"),
        (["CIRCLE_NODE_INDEX": "4", "CIRCLE_NODE_TOTAL": "4"], "CIRCLE_NODE_INDEX"),  // CircleCI ends at N-1
        (["BUILDKITE_PARALLEL_JOB": "-1", "BUILDKITE_PARALLEL_JOB_COUNT": "4"], "BUILDKITE_PARALLEL_JOB"),
        (["BUILDKITE_PARALLEL_JOB": "one", "BUILDKITE_PARALLEL_JOB_COUNT": "4"], "BUILDKITE_PARALLEL_JOB"),
        (["JOB_COMPLETION_INDEX": "0", "LEAKLAB_SHARD_TOTAL": "0"], "LEAKLAB_SHARD_TOTAL"),
        (["JOB_COMPLETION_INDEX": "0", "LEAKLAB_SHARD_TOTAL": "4.0"], "LEAKLAB_SHARD_TOTAL"),
    ])
    func aValueOutOfRangeOrNotAnIntegerNamesItsVariable(environment: [String: String], variable: String) {
        let error = #expect(throws: ShardError.self) { try Shard.fromCI(environment: environment) }
        guard case .invalidCIVariable(let name, _, _)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(name == variable)
        #expect(error!.description.hasPrefix("auto: \(variable)="))
    }

    @Test func anIndexOutOfRangeSaysWhereTheEngineCounts() {
        let error = #expect(throws: ShardError.self) {
            try Shard.fromCI(environment: ["CIRCLE_NODE_INDEX": "4", "CIRCLE_NODE_TOTAL": "4"])
        }
        #expect(error?.description.contains("between 0 and 3") == true, "\(String(describing: error))")
    }

    @Test func twoEnginesThatAgreeAreAccepted() throws {
        let environment = ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3", "CIRCLE_NODE_INDEX": "1", "CIRCLE_NODE_TOTAL": "3"]
        #expect(try Shard.fromCI(environment: environment).description == "2/3")
    }

    @Test func twoEnginesThatDisagreeAreAnErrorNamingBoth() {
        let environment = ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3", "BUILDKITE_PARALLEL_JOB": "2", "BUILDKITE_PARALLEL_JOB_COUNT": "3"]
        #expect(throws: ShardError.inconsistentCIVariables(["GitLab CI says 2/3", "Buildkite says 3/3"])) {
            try Shard.fromCI(environment: environment)
        }
    }
}
