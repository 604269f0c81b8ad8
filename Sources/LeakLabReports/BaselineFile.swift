import Foundation
import LeakLabDetectors
import LeakLabRunner

/// What `validate --baseline FILE` compares against: a baseline written by `--update-baseline`
/// (schema `leaklab.baseline/1`), or a previous `validate --json` result (`leaklab.validate/1`),
/// which holds every score and verdict a baseline needs. A result has no flip rates (one run of
/// each cell measures none), so none of its cells is known to be flaky.
public enum BaselineFile {
    /// - Throws: `RunnerError.usage` saying what the file is and what would do: unreadable, a shard
    ///   (merge the shards first), or neither kind of file.
    public static func load(_ path: String) throws -> Baseline {
        do {
            return try Baseline.load(contentsOf: URL(fileURLWithPath: path))
        } catch .wrongSchema(found: ValidateDocument.currentSchema, expected: _) {
            let document: ValidateDocument
            do { document = try ValidateDocument.read(path) } catch {
                throw RunnerError.usage("--baseline \(path): schema \(ValidateDocument.currentSchema), but not a whole validate result: \(error)")
            }
            if let shard = document.shard {
                throw RunnerError.usage(
                    "\(path) is shard \(shard) of a validate result, not the whole matrix: join the shards with `leaklab merge --json FILE` and use FILE")
            }
            return Baseline(scores: document.detectors, runs: document.runs)
        } catch .wrongSchema(found: let schema, expected: let expected) {
            throw RunnerError.usage(
                "--baseline \(path) has schema \"\(schema)\": it takes a baseline (\(expected), written by --update-baseline) or a validate --json result (\(ValidateDocument.currentSchema))"
            )
        } catch {
            throw RunnerError.usage("--baseline \(path): \(error)")
        }
    }
}
