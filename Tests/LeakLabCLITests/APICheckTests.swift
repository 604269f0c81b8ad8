import Foundation
import Testing

/// Scripts/api-check: LeakLabKit's public API may change only with a bump of
/// `leakLabPluginAPIVersion`, and the checked-in dump must say so (docs/writing-a-plugin.md, §7).
/// Each test runs the real script (and the real compiler) on a copy of the sources.
@Suite(.serialized) struct APICheckTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let sources = "\(root)/LeakLabKit/Sources/LeakLabKit"
    static let dump = "\(root)/LeakLabKit/api/LeakLabKit.swiftinterface"

    static func check(_ arguments: [String] = [], sources: String = sources, dump: String = dump) -> CLIResult {
        ProcessRunner.run(
            "\(root)/Scripts/api-check", arguments,
            environment: ProcessInfo.processInfo.environment.merging(["LEAKLAB_API_SOURCES": sources, "LEAKLAB_API_DUMP": dump]) { $1 })
    }

    /// A copy of LeakLabKit's sources and of the dump, changed by `change`.
    static func copy(_ change: (String) throws -> Void) throws -> (sources: String, dump: String) {
        let directory = CLI.temporaryFile("api")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sources, toPath: "\(directory)/LeakLabKit")
        try FileManager.default.copyItem(atPath: dump, toPath: "\(directory)/dump.swiftinterface")
        try change("\(directory)/LeakLabKit")
        return ("\(directory)/LeakLabKit", "\(directory)/dump.swiftinterface")
    }

    static func edit(_ file: String, _ body: (String) -> String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try body(text).write(toFile: file, atomically: true, encoding: .utf8)
    }

    static func addPublicFunction(_ sources: String) throws {
        try edit("\(sources)/Scenario.swift") { $0 + "\npublic func addedByAPICheckTests() {}\n" }
    }

    static func bumpVersion(_ sources: String) throws {
        try edit("\(sources)/PluginManifest.swift") { text in
            text.replacingOccurrences(
                of: #"leakLabPluginAPIVersion: UInt32 = (\d+)"#, with: "leakLabPluginAPIVersion: UInt32 = 99", options: .regularExpression)
        }
    }

    @Test func theCheckedInDumpMatchesTheSources() {
        let result = Self.check()
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    }

    @Test func anAddedPublicFunctionWithoutAVersionBumpFailsWithTheDiff() throws {
        let copy = try Self.copy(Self.addPublicFunction)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy.dump).deletingLastPathComponent().path) }
        let result = Self.check(sources: copy.sources, dump: copy.dump)
        #expect(result.status == 1)
        #expect(result.stderr.contains("+public func addedByAPICheckTests()"), "\(result.stderr)")
        #expect(result.stderr.contains("without a bump of leakLabPluginAPIVersion"), "\(result.stderr)")

        // --update refuses to record it under the same version, and leaves the dump as it was.
        let before = try String(contentsOfFile: copy.dump, encoding: .utf8)
        let update = Self.check(["--update"], sources: copy.sources, dump: copy.dump)
        #expect(update.status == 1)
        #expect(update.stderr.contains("Nothing written"), "\(update.stderr)")
        #expect(try String(contentsOfFile: copy.dump, encoding: .utf8) == before)
    }

    @Test func aChangeWithAVersionBumpIsRecordedByUpdateAndThenPasses() throws {
        let copy = try Self.copy {
            try Self.addPublicFunction($0)
            try Self.bumpVersion($0)
        }
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy.dump).deletingLastPathComponent().path) }
        // Bumped but not recorded: still a failure, saying to record it.
        let stale = Self.check(sources: copy.sources, dump: copy.dump)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("went from 2 to 99"), "\(stale.stderr)")

        let update = Self.check(["--update"], sources: copy.sources, dump: copy.dump)
        #expect(update.status == 0, "\(update.stderr)")
        let dump = try String(contentsOfFile: copy.dump, encoding: .utf8)
        #expect(dump.hasPrefix("// LeakLabKit plugin API version 99 "))
        #expect(dump.contains("public func addedByAPICheckTests()"))
        #expect(Self.check(sources: copy.sources, dump: copy.dump).status == 0)
    }
}
