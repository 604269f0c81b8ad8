import ArgumentParser
import LeakLabReports

/// `leaklab detectors`: the detectors and tools, what each looks at and can see.
struct DetectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detectors", abstract: "List the built-in detectors and tools: what each looks at, can see, and where it is known to fail.")

    func run() {
        print(DetectorCatalogText.render(DetectorCatalog.all()))
    }
}
