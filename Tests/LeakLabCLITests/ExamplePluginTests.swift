import Foundation
import Testing

/// The example plugin in Scenarios/Examples/ExamplePlugin, built as a third party would build it (its
/// own package, depending on LeakLabKit by path) and loaded with `--plugins`.
@Suite struct ExamplePluginTests {
    /// The repository root, three levels above this file.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let packagePath = "\(root)/Scenarios/Examples/ExamplePlugin"
    static let scratchPath = "\(root)/.build-example"
    static let productsDirectory = "\(scratchPath)/release"

    /// The build, run once for the whole suite (a static `let` is initialised once, whichever test
    /// asks first; the others wait for it). Nothing async: the build is a child process we wait for.
    static let build: CLIResult = buildExample()

    static func buildExample() -> CLIResult {
        Shell.run(["swift", "build", "-c", "release", "--package-path", packagePath, "--scratch-path", scratchPath])
    }

    static func requireBuilt() throws {
        let build = Self.build
        try #require(build.status == 0, "swift build of the example plugin failed:\n\(build.stdout)\n\(build.stderr)")
    }

    @Test func listShowsTheExamplePluginWithItsPathAndScenario() throws {
        try Self.requireBuilt()
        let result = try CLI.run(["list", "--json", "--plugins", Self.productsDirectory])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let plugins = try #require(document["plugins"] as? [[String: Any]])
        let plugin = try #require(plugins.first { $0["name"] as? String == "example" }, "plugins: \(plugins)")
        #expect(plugin["path"] as? String == "\(Self.productsDirectory)/libLeakLabExample.so")
        #expect(plugin["apiVersion"] as? Int == 2)
        let scenarios = try #require(document["scenarios"] as? [[String: Any]])
        let scenario = try #require(scenarios.first { $0["id"] as? String == "example-string-log" })
        #expect(scenario["plugin"] as? String == "example")
        #expect(scenario["pattern"] as? String == "unbounded-cache")
        let variants = try #require(scenario["variants"] as? [[String: Any]])
        #expect(variants.compactMap { $0["name"] as? String } == ["keep-every-line", "ring-of-last-lines"])
        // The built-in plugins still load beside it.
        #expect(plugins.contains { $0["name"] as? String == "blocked-tasks" })
    }

    @Test(arguments: ["keep-every-line", "ring-of-last-lines"])
    func runMeasuresWhatTheExampleDeclares(variant: String) throws {
        try Self.requireBuilt()
        let output = CLI.temporaryFile("example-\(variant).json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run([
            "run", "example-string-log/\(variant)", "--plugins", Self.productsDirectory,
            "--malloc-conf", "tcache:false", "--json", output, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(record["outcome"] as? String == "completed")
        let growth = try #require(record["growth"] as? [String: Any])
        let truth = try #require(record["truth"] as? [String: Any])
        let declared = try #require(truth["perIteration"] as? [String: Any])
        let tolerance = try #require(truth["tolerance"] as? [String: Any])
        for metric in ["bytes", "objects"] {
            let measured = try #require(growth[metric] as? Double, "no \(metric) growth")
            let expected = try #require(declared[metric] as? Double)
            let allowed = try #require(tolerance[metric] as? Double)
            #expect(abs(measured - expected) <= allowed, "\(variant) \(metric): measured \(measured), declared \(expected) ± \(allowed)")
        }
        if variant == "keep-every-line" {
            #expect(truth["verdict"] as? String == "leak")
            #expect(truth["reachable"] as? Bool == true)
            #expect((growth["bytes"] as? Double ?? 0) > 100, "the leaky variant must really leak")
        } else {
            #expect(truth["verdict"] as? String == "clean")
        }
    }

    @Test func auditPassesTheExamplesDeclaredTruth() throws {
        try Self.requireBuilt()
        let result = try CLI.run(["audit", "example-string-log", "--plugins", Self.productsDirectory])
        #expect(result.status == 0, "audit exit \(result.status):\n\(result.stdout)\n\(result.stderr)")
    }

    @Test func explainShowsTheExamplesCodeFromItsOwnPackage() throws {
        try Self.requireBuilt()
        let result = try CLI.run(["explain", "example-string-log", "--plugins", Self.productsDirectory, "--no-side-by-side"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("lines.append(formatLogLine(request: index, lineBytes: lineBytes))"))
        #expect(result.stdout.contains("ring[next] = line"))
        #expect(result.stdout.contains("keep-every-line (leak, reachable): seen by thresholds, trend"))
    }
}
