/// One of `count` deterministic slices of a validate matrix: `--shard I/N`.
///
/// Shard `I` of `N` takes the contiguous positions `⌊total·(I−1)/N⌋ ..< ⌊total·I/N⌋` of the
/// matrix in its order, so the shards' sizes differ by at most one, every position falls in exactly
/// one shard, and shards 1…N concatenated are the matrix.
public struct Shard: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// - Throws: ``ShardError/outOfRange(index:count:)`` unless `1 ≤ index ≤ count`.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1, index >= 1, index <= count else { throw .outOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    ///
    /// - Throws: ``ShardError/malformed(_:)`` for anything but two decimal integers around a `/`;
    ///   ``ShardError/outOfRange(index:count:)`` for `0/2`, `3/2` or `1/0`.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.trimmingWhitespace().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { throw .malformed(text) }
        try self.init(index: index, count: count)
    }

    public init?(_ description: String) {
        guard let shard = try? Shard(parsing: description) else { return nil }
        self = shard
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// The positions of a matrix of `total` entries that belong to this shard.
    public func range(of total: Int) -> Range<Int> {
        (total * (index - 1) / count)..<(total * index / count)
    }

    /// This shard's slice of `matrix`, in order.
    public func select<T>(_ matrix: [T]) -> [T] {
        Array(matrix[range(of: matrix.count)])
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// What is wrong with a shard or a merge.
public enum ShardError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case outOfRange(index: Int, count: Int)
    case duplicateRun(String)
    case unknownRun(String)
    case mixedShardCounts([Int])
    case duplicateShard(String)
    case missingShards([String])

    public var description: String {
        switch self {
        case .malformed(let text): "invalid shard \"\(text)\": expected I/N, e.g. 1/2"
        case .outOfRange(let index, let count):
            count < 1 ? "invalid shard \(index)/\(count): N must be at least 1"
                : "invalid shard \(index)/\(count): I must be between 1 and \(count)"
        case .duplicateRun(let key): "run \(key) appears in more than one result"
        case .unknownRun(let key): "run \(key) is not in the matrix"
        case .mixedShardCounts(let counts): "results come from different shardings (N = \(counts.map(String.init).joined(separator: ", ")))"
        case .duplicateShard(let shard): "shard \(shard) is given twice"
        case .missingShards(let shards): "missing shard\(shards.count == 1 ? "" : "s") \(shards.joined(separator: ", "))"
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return start < end ? self[start..<end] : ""
    }
}
