import Foundation
import LeakLabDetectors
import Testing

@Suite struct DetectorRegistryTests {
    /// `Detector+ResidentDelta.swift` → `resident-delta`, `Detector+RSS.swift` → `rss`.
    static func detectorName(fromFile file: String) -> String {
        let stem = file.dropFirst("Detector+".count).dropLast(".swift".count)
        var name = ""
        var previous: Character?
        for character in stem {
            if character.isUppercase, let previous, previous.isLowercase { name.append("-") }
            name.append(Character(character.lowercased()))
            previous = character
        }
        return name
    }

    @Test func registryListsExactlyTheDetectorFilesInTheSourceFolder() throws {
        let sources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LeakLabDetectors")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path)
            .filter { $0.hasPrefix("Detector+") && $0.hasSuffix(".swift") }
        #expect(Set(files.map(Self.detectorName(fromFile:))) == Set(DetectorRegistry.names))
        #expect(files.count == DetectorRegistry.names.count)
    }

    @Test func registryHasTheBuiltInsOfTheSpecAndTheTaskAndChannelDetectors() {
        #expect(
            DetectorRegistry.names == [
                "thresholds", "trend", "settle", "resources", "rss", "resident-delta", "task-leak", "channels", "allocation-counter",
            ])
    }

    @Test func everyBuiltInHasAUniqueNameAndASummarySayingWhereItFails() {
        #expect(Set(DetectorRegistry.names).count == DetectorRegistry.names.count)
        for detector in DetectorRegistry.builtIns {
            #expect(detector.summary.contains("Known to fail"), "\(detector.name)")
            #expect(!detector.summary.contains("\n"), "\(detector.name): one paragraph")
        }
    }

    @Test func detectorNamedFindsBuiltInsAndRejectsUnknownNames() {
        #expect(DetectorRegistry.detector(named: "trend")?.name == "trend")
        #expect(DetectorRegistry.detector(named: "nope") == nil)
    }
}
