import LeakLabDetectors
import LeakLabModel
import LeakLabTestFixtures
import Testing

@Suite struct ShardTests {
    @Test func parsesIndexAndCount() throws {
        let shard = try Shard(parsing: "2/3")
        #expect(shard.index == 2 && shard.count == 3)
        #expect(shard.description == "2/3")
        #expect(try Shard(parsing: " 1/1 ") == Shard(index: 1, count: 1))
    }

    @Test(arguments: ["0/2", "3/2", "1/0"])
    func rejectsAnIndexOutsideOneToN(text: String) throws {
        let error = try #require(throws: ShardError.self) { try Shard(parsing: text) }
        guard case .outOfRange = error else {
            Issue.record("\(text): \(error)")
            return
        }
        #expect(error.description.hasPrefix("invalid shard \(text)"))
    }

    @Test(arguments: ["garbage", "1/2/3", "1-2", "/2", "1/", "", "a/b", "1.5/2", "+1/2", "-1/2"])
    func rejectsTextThatIsNotIOverN(text: String) {
        #expect(throws: ShardError.malformed(text)) { try Shard(parsing: text) }
    }

    @Test func everyKeyFallsInExactlyOneShardAndShardsConcatenateToTheMatrix() throws {
        for total in 0...23 {
            let matrix = (0..<total).map { "run-\($0)" }
            for count in 1...7 {
                let slices = try (1...count).map { try Shard(index: $0, count: count).select(matrix) }
                #expect(Array(slices.joined()) == matrix, "total \(total), N \(count)")
                let sizes = slices.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1)
            }
        }
    }

    @Test func selectionIsStable() throws {
        let matrix = (0..<10).map(String.init)
        let shard = try Shard(parsing: "2/3")
        #expect(shard.select(matrix) == ["3", "4", "5"])
        #expect(shard.select(matrix) == shard.select(matrix))
    }

    static let matrix: [RunRecord] = (1...5).flatMap { n in
        [
            makeRun(variant: "v\(n)", truth: leakTruth, seed: 1, verdicts: []),
            makeRun(variant: "v\(n)", truth: leakTruth, seed: 2, verdicts: []),
        ]
    }

    @Test func mergingShardsOneAndTwoOfTwoGivesTheUnshardedResult() throws {
        let parts = try [Shard(parsing: "1/2"), Shard(parsing: "2/2")].map { $0.select(Self.matrix) }
        #expect(try Shard.merge(parts) == Self.matrix)
        #expect(try Shard.merge(parts.reversed(), matrixOrder: Self.matrix.map(\.matrixKey)) == Self.matrix)
        let labelled = try [(shard: Shard(parsing: "2/2"), runs: parts[1]), (shard: Shard(parsing: "1/2"), runs: parts[0])]
        #expect(try Shard.merge(shards: labelled) == Self.matrix)
    }

    @Test func mergeRejectsADuplicateRunNamingItsKey() {
        let parts = [Array(Self.matrix.prefix(3)), Array(Self.matrix.suffix(from: 2))]
        #expect(throws: ShardError.duplicateRun("cache/v2/jemalloc/seed=1")) { try Shard.merge(parts) }
    }

    @Test func mergeRejectsARunOutsideTheMatrix() {
        #expect(throws: ShardError.unknownRun("cache/v1/jemalloc/seed=1")) {
            try Shard.merge([Self.matrix], matrixOrder: ["other"])
        }
    }

    @Test func mergeOfLabelledShardsNamesMissingAndMixedShards() throws {
        let one = try Shard(parsing: "1/3"), two = try Shard(parsing: "2/2")
        #expect(throws: ShardError.missingShards(["2/3", "3/3"])) { try Shard.merge(shards: [(shard: one, runs: [])]) }
        #expect(throws: ShardError.mixedShardCounts([2, 3])) {
            try Shard.merge(shards: [(shard: one, runs: []), (shard: two, runs: [])])
        }
        #expect(throws: ShardError.duplicateShard("1/3")) { try Shard.merge(shards: [(shard: one, runs: []), (shard: one, runs: [])]) }
    }
}
