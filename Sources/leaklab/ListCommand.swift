import ArgumentParser
import Foundation
import LeakLabKit
import LeakLabReports
import LeakLabRunner

/// `leaklab list`: loaded plugins, their scenarios, variants and truth.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List loaded plugins, scenarios, variants and their declared truth.")

    @OptionGroup var plugins: PluginOptions

    @Flag(help: "Print JSON (schema leaklab.list/1) instead of a table.")
    var json = false

    func run() throws {
        let catalog = try plugins.loadCatalog()
        if json {
            print(try JSONOutput.string(ListDocument(catalog: catalog)))
            return
        }
        print(ListText.render(ListDocument(catalog: catalog), directories: catalog.directories))
    }
}
