import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// `validate --json` (schema `leaklab.validate/1`, docs/reports.md): every run with its verdicts, and every detector's scores.
/// Shards carry `shard` and the whole matrix's keys, so `leaklab merge` can check and order them.
public struct ValidateDocument: Codable {
    public static let currentSchema = "leaklab.validate/1"

    public var schema = ValidateDocument.currentSchema
    public var shard: String?
    /// Every cell of the whole (unsharded) matrix, as `RunRecord.matrixKey`, in order.
    public var matrix: [String]
    public var runs: [RunRecord]
    public var detectors: [DetectorScore]
    /// Runs that could not start (bad input found late), with the reason.
    public var errors: [String]
    public var baseline: BaselineComparison?

    public init(
        shard: String?, matrix: [String], runs: [RunRecord], detectors: [DetectorScore], errors: [String],
        baseline: BaselineComparison? = nil
    ) {
        self.shard = shard
        self.matrix = matrix
        self.runs = runs
        self.detectors = detectors
        self.errors = errors
        self.baseline = baseline
    }
}

extension ValidateDocument {
    /// Reads a `validate --json` file.
    /// - Throws: `RunnerError.usage` when the file is unreadable, not a validate result, or of
    ///   another schema version.
    public static func read(_ path: String) throws -> ValidateDocument {
        let document: ValidateDocument
        do {
            document = try JSONDecoder().decode(ValidateDocument.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw RunnerError.usage("\(path) is not a `leaklab validate --json` result: \(error.localizedDescription)")
        }
        guard document.schema == currentSchema else {
            throw RunnerError.usage("\(path) has schema '\(document.schema)'; this lab reads \(currentSchema)")
        }
        return document
    }

    /// `leaklab merge`: the shards' documents joined into one result, in matrix order and
    /// re-scored as if run at once.
    /// - Throws: `RunnerError.usage` for no files, a file that is no shard, shards of different
    ///   matrices, or shards that do not fit together.
    public static func merge(_ files: [String]) throws -> ValidateDocument {
        guard !files.isEmpty else { throw RunnerError.usage("merge needs the shards' validate JSON files") }
        var parts: [(shard: Shard, runs: [RunRecord])] = []
        var matrix: [String]?
        var errors: [String] = []
        for file in files {
            let document = try read(file)
            guard let text = document.shard else { throw RunnerError.usage("\(file) is not a shard (it was run without --shard)") }
            if let matrix, matrix != document.matrix {
                throw RunnerError.usage("\(file) comes from another matrix than \(files[0]) (different scenarios, allocators or repeats)")
            }
            matrix = document.matrix
            do { parts.append((try Shard(parsing: text), document.runs)) } catch { throw RunnerError.usage("\(file): \(error)") }
            errors += document.errors
        }
        let runs: [RunRecord]
        do {
            runs = try Shard.merge([Shard.merge(shards: parts)], matrixOrder: matrix)
        } catch {
            throw RunnerError.usage("cannot merge: \(error)")
        }
        let scores = Scoring.score(runs, detectors: Scoring.detectorNames(in: runs))
        return ValidateDocument(shard: nil, matrix: matrix ?? [], runs: runs, detectors: scores, errors: errors)
    }
}
