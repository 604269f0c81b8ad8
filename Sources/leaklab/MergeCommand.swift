import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// `leaklab merge`: joins the `validate --json` files of shards 1/N … N/N into one result.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join sharded `validate --json` results into one, re-scored as if run at once.")

    @Argument(help: "The shards' validate JSON files.")
    var files: [String]

    @Option(help: ArgumentHelp("Write the merged result (schema leaklab.validate/1).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write JUnit XML for the merged result.", valueName: "file"))
    var junit: String?

    func run() throws {
        guard !files.isEmpty else { throw RunnerError.usage("merge needs the shards' validate JSON files") }
        var parts: [(shard: Shard, runs: [RunRecord])] = []
        var matrix: [String]?
        var errors: [String] = []
        for file in files {
            let document: ValidateDocument
            do {
                document = try JSONDecoder().decode(ValidateDocument.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw RunnerError.usage("\(file) is not a `leaklab validate --json` result: \(error.localizedDescription)")
            }
            guard document.schema == ValidateDocument.currentSchema else {
                throw RunnerError.usage("\(file) has schema '\(document.schema)'; this lab reads \(ValidateDocument.currentSchema)")
            }
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
            runs = try Shard.merge(Shard.merge(shards: parts).chunked(), matrixOrder: matrix)
        } catch {
            throw RunnerError.usage("cannot merge: \(error)")
        }
        let detectors = Scoring.detectorNames(in: runs)
        let scores = Scoring.score(runs, detectors: detectors)
        print(ValidateTable.render(runs: runs, scores: scores))
        if let json {
            try JSONOutput.write(ValidateDocument(shard: nil, matrix: matrix ?? [], runs: runs, detectors: scores, errors: errors), to: json)
        }
        if let junit {
            try ValidateJUnit.render(runs: runs, detectors: detectors).write(toFile: junit, atomically: true, encoding: .utf8)
        }
    }
}

private extension Array {
    /// The array as a single part, for APIs that take parts.
    func chunked() -> [[Element]] { [self] }
}
