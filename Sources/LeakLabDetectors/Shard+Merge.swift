import LeakLabModel

extension Shard {
    /// Joins partial results into one list.
    ///
    /// With `matrixOrder` (the matrix's keys, as ``RunRecord/matrixKey``), runs are ordered by it
    /// and a run outside it is an error; without it, the parts are concatenated in the order given
    /// (pass them in shard order).
    ///
    /// - Throws: ``ShardError/duplicateRun(_:)`` naming the first key seen twice,
    ///   ``ShardError/unknownRun(_:)`` for a key not in `matrixOrder`.
    public static func merge(
        _ parts: [[RunRecord]], matrixOrder: [String]? = nil,
        key: (RunRecord) -> String = { $0.matrixKey }
    ) throws(ShardError) -> [RunRecord] {
        var seen = Set<String>()
        var merged: [RunRecord] = []
        for run in parts.joined() {
            let runKey = key(run)
            guard seen.insert(runKey).inserted else { throw .duplicateRun(runKey) }
            merged.append(run)
        }
        guard let matrixOrder else { return merged }
        var position: [String: Int] = [:]
        for (offset, runKey) in matrixOrder.enumerated() where position[runKey] == nil { position[runKey] = offset }
        var ordered: [(Int, RunRecord)] = []
        for run in merged {
            guard let offset = position[key(run)] else { throw .unknownRun(key(run)) }
            ordered.append((offset, run))
        }
        return ordered.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Joins the results of shards 1…N of one sharding, in whatever order they are given.
    ///
    /// - Throws: ``ShardError/mixedShardCounts(_:)`` when the shards disagree on N,
    ///   ``ShardError/duplicateShard(_:)``, ``ShardError/missingShards(_:)`` naming the absent ones,
    ///   and ``ShardError/duplicateRun(_:)`` as ``merge(_:matrixOrder:key:)``.
    public static func merge(
        shards: [(shard: Shard, runs: [RunRecord])], key: (RunRecord) -> String = { $0.matrixKey }
    ) throws(ShardError) -> [RunRecord] {
        let counts = Set(shards.map(\.shard.count)).sorted()
        guard counts.count <= 1 else { throw .mixedShardCounts(counts) }
        guard let count = counts.first else { return [] }
        var byIndex: [Int: [RunRecord]] = [:]
        for part in shards {
            guard byIndex[part.shard.index] == nil else { throw .duplicateShard(part.shard.description) }
            byIndex[part.shard.index] = part.runs
        }
        let missing = (1...count).filter { byIndex[$0] == nil }.map { "\($0)/\(count)" }
        guard missing.isEmpty else { throw .missingShards(missing) }
        return try merge((1...count).map { byIndex[$0]! }, key: key)
    }
}
