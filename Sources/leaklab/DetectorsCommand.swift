import ArgumentParser
import LeakLabDetectors
import LeakLabReports
import LeakLabRunner

/// `leaklab detectors`: the built-in detectors and what each looks at.
struct DetectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detectors", abstract: "List the built-in detectors: what each looks at and where it is known to fail.")

    func run() {
        for detector in DetectorRegistry.builtIns {
            print(Terminal.style(detector.name, "1"))
            print(wrap(detector.summary, indent: "  "))
            print("")
        }
        print(Terminal.style("Tools (name them in --detectors; each runs the variant again under the tool)", "1"))
        for tool in ExternalTool.allCases {
            print(Terminal.style(tool.rawValue, "1"))
            print(wrap(tool.summary, indent: "  "))
            print("")
        }
        print("Your own: --detector-cmd CMD runs a program that reads a trace as JSON on stdin and prints")
        print("{\"leak\": true|false, \"ratePerIteration\": …, \"confidence\": …, \"firstIteration\": …} (docs/detector-protocol.md).")
    }

    private func wrap(_ text: String, indent: String, width: Int = 96) -> String {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width, line != indent {
                lines.append(line)
                line = indent
            }
            line += (line == indent ? "" : " ") + word
        }
        if line != indent { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
