import Foundation

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

    /// Parses `I/N`, or `auto`: the shard of the CI job running with `environment`
    /// (``fromCI(environment:)``: GitLab, Kubernetes Indexed Jobs, Buildkite, CircleCI).
    ///
    /// - Throws: ``ShardError/malformed(_:)`` for anything but two decimal integers around a `/`
    ///   or `auto`; ``ShardError/outOfRange(index:count:)`` for `0/2`, `3/2` or `1/0`; for `auto`,
    ///   what ``fromCI(environment:)`` throws.
    public init(
        parsing text: String, environment: @autoclosure () -> [String: String] = ProcessInfo.processInfo.environment
    ) throws(ShardError) {
        if text.trimmingWhitespace() == "auto" {
            self = try Self.fromCI(environment: environment())
        } else {
            try self.init(indexOverCount: text)
        }
    }

    /// Parses `I/N` only.
    private init(indexOverCount text: String) throws(ShardError) {
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
        do { try self.init(indexOverCount: text) } catch {
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
    /// `--shard auto` found no CI engine's shard variables.
    case noCIVariables
    /// One of an engine's two variables is set, the other is not.
    case incompleteCIVariables(engine: String, set: String, missing: String, hint: String?)
    /// A CI variable holds no usable number.
    case invalidCIVariable(name: String, value: String, reason: String)
    /// Two engines' variables name different shards.
    case inconsistentCIVariables([String])

    public var description: String {
        switch self {
        case .malformed(let text): "invalid shard \"\(text)\": expected I/N, e.g. 1/2"
        case .outOfRange(let index, let count):
            count < 1
                ? "invalid shard \(index)/\(count): N must be at least 1"
                : "invalid shard \(index)/\(count): I must be between 1 and \(count)"
        case .duplicateRun(let key): "run \(key) appears in more than one result"
        case .unknownRun(let key): "run \(key) is not in the matrix"
        case .mixedShardCounts(let counts): "results come from different shardings (N = \(counts.map(String.init).joined(separator: ", ")))"
        case .duplicateShard(let shard): "shard \(shard) is given twice"
        case .missingShards(let shards): "missing shard\(shards.count == 1 ? "" : "s") \(shards.joined(separator: ", "))"
        case .noCIVariables:
            "auto: no CI shard variables are set; looked for "
                + Shard.CIEngine.all.map { "\($0.indexVariable)/\($0.countVariable) (\($0.name))" }.joined(separator: ", ")
                + "; outside those engines pass --shard I/N (docs/ci.md)"
        case .incompleteCIVariables(let engine, let set, let missing, let hint):
            "auto: \(set) is set (\(engine)) but \(missing) is not" + (hint.map { "; \($0)" } ?? "")
        case .invalidCIVariable(let name, let value, let reason): "auto: \(name)=\"\(value)\": \(reason)"
        case .inconsistentCIVariables(let claims): "auto: CI variables disagree: \(claims.joined(separator: "; "))"
        }
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return start < end ? self[start..<end] : ""
    }
}
