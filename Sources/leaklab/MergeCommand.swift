import ArgumentParser
import Foundation
import LeakLabDetectors
import LeakLabModel
import LeakLabReports
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

    func validate() throws {
        for file in files { try ReportPath.checkInput(file, option: "merge") }
        try ReportPath.check(json, option: "--json")
        try ReportPath.check(junit, option: "--junit")
    }

    func run() throws {
        let merged = try ValidateDocument.merge(files)
        print(ValidateTable.render(runs: merged.runs, scores: merged.detectors))
        if let json { try JSONOutput.write(merged, to: json) }
        if let junit {
            try JSONOutput.write(Data(ValidateJUnit.render(runs: merged.runs, detectors: merged.detectors.map(\.detector)).utf8), to: junit)
        }
    }
}
