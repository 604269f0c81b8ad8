import Foundation
import LeakLabKit
import Testing

/// Every subcommand's `--help` is pinned in Tests/Golden/help/ (one file per subcommand, `leaklab`
/// for the root): a changed option, default or wording shows up in review as a diff of these files.
/// After a deliberate change, regenerate them with `Scripts/update-golden` (or
/// `LEAKLAB_UPDATE_GOLDEN=1 swift test -c release --filter HelpTextTests`) and commit the diff.
@Suite struct HelpTextTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let golden = "\(root)/Tests/Golden/help"
    /// Help is laid out for this width whatever the terminal running the tests.
    static let environment = ["COLUMNS": "100", "NO_COLOR": "1"]
    static var updating: Bool { ProcessInfo.processInfo.environment["LEAKLAB_UPDATE_GOLDEN"] == "1" }

    static let subcommands = [
        "list", "explain", "run", "audit", "validate", "compare-allocators", "merge", "detectors", "tour", "power",
    ]

    static func help(_ subcommand: String?) throws -> String {
        let result = try CLI.run((subcommand.map { [$0] } ?? []) + ["--help"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static func check(_ text: String, against name: String) throws {
        let path = "\(golden)/\(name).txt"
        if updating {
            try FileManager.default.createDirectory(atPath: golden, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let pinned = try #require(
            try? String(contentsOfFile: path, encoding: .utf8),
            "no golden help for \(name): run Scripts/update-golden and commit \(path)")
        #expect(text == pinned, "`leaklab \(name) --help` differs from \(path); if the change is meant, run Scripts/update-golden and commit the diff")
    }

    @Test(arguments: subcommands)
    func subcommandHelpMatchesItsGoldenFile(subcommand: String) throws {
        try Self.check(try Self.help(subcommand), against: subcommand)
    }

    @Test func rootHelpMatchesItsGoldenFile() throws {
        try Self.check(try Self.help(nil), against: "leaklab")
    }

    /// A new subcommand without a golden file fails here, not silently.
    @Test func everySubcommandTheRootListsIsPinned() throws {
        let text = try Self.help(nil)
        let section = try #require(text.components(separatedBy: "SUBCOMMANDS:").last)
        let listed = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }.filter { $0 != "help" && $0.first?.isLowercase == true }
        #expect(Set(listed) == Set(Self.subcommands), "listed: \(listed)")
        if !Self.updating {
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.golden).filter { $0.hasSuffix(".txt") }
            #expect(Set(files) == Set((Self.subcommands + ["leaklab"]).map { "\($0).txt" }), "stale golden files: \(files)")
        }
    }

    @Test func versionNamesTheLabAndThePluginAPIVersion() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("leaklab "), "\(line)")
        #expect(line.hasSuffix("(plugin API v\(leakLabPluginAPIVersion))"), "\(line)")
        #expect(line.split(separator: " ")[1].split(separator: ".").count == 3, "a semantic version: \(line)")
    }
}
