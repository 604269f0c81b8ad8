import LeakLabDetectors
import LeakLabModel

/// `validate --json` (SPEC §6): every run with its verdicts, and every detector's scores.
/// Shards carry `shard` and the whole matrix's keys, so `leaklab merge` can check and order them.
struct ValidateDocument: Codable {
    static let currentSchema = "leaklab.validate/1"

    var schema = ValidateDocument.currentSchema
    var shard: String?
    /// Every cell of the whole (unsharded) matrix, as `RunRecord.matrixKey`, in order.
    var matrix: [String]
    var runs: [RunRecord]
    var detectors: [DetectorScore]
    /// Runs that could not start (bad input found late), with the reason.
    var errors: [String]
    var baseline: BaselineComparison?
}
