import Foundation
import Testing

/// Every JSON document the CLI writes validates against its JSON Schema in docs/schemas, checked
/// by a real validator (Python's `jsonschema`, draft 2020-12, through Scripts/validate-json) on
/// real outputs of the release binary: small runs of real scenarios, real children.
@Suite(.serialized) struct JSONSchemaTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let schemas = "\(root)/docs/schemas"

    static func validate(_ files: [String], schema: String? = nil) -> CLIResult {
        ProcessRunner.run("/usr/bin/env", ["python3", "\(root)/Scripts/validate-json"] + (schema.map { ["--schema", $0] } ?? []) + files)
    }

    /// One directory of outputs shared by the tests that read them (~40 s on 2 loaded cores).
    static let outputs: Result<[String: String], any Error> = Result {
        let directory = CLI.temporaryFile("schemas")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { "\(directory)/\(name)" }
        var failures: [String] = []
        func lab(_ arguments: [String], environment: [String: String] = [:], stdout: String? = nil, allowed: Set<Int32> = [0]) throws {
            let result = try CLI.run(arguments, environment: environment)
            if !allowed.contains(result.status) { failures.append("\(arguments.joined(separator: " ")): exit \(result.status)\n\(result.stderr)") }
            if let stdout { try result.stdout.write(toFile: path(stdout), atomically: true, encoding: .utf8) }
        }
        try lab(["list", "--json"], stdout: "list.json")
        try lab(["explain", "retain-cycle", "--json"], stdout: "explain.json")
        try lab(["explain", "dictionary-cache", "--variant", "finite-key-set", "--json"], stdout: "explain-variant.json")
        try lab(["run", "retain-cycle/strong-self", "--iterations", "200", "--json", path("run.json"), "--quiet"])
        // glibc: jemalloc's figures are absent, not 0.
        try lab(["run", "unclosed-files", "--allocator", "glibc", "--iterations", "100", "--json", path("runs.json"), "--quiet"])
        try lab(["audit", "retain-cycle", "--mutants", "--json", path("audit.json")])
        let validate = ["validate", "retain-cycle", "--detectors", "trend,resources,channels", "--quiet"]
        try lab(validate + ["--json", path("validate.json"), "--baseline", path("baseline.json"), "--update-baseline", "--baseline-samples", "1"])
        // The gate: 1 would be a regression (a verdict wrong in every confirmation run); the document is written either way.
        try lab(validate + ["--json", path("validate-gate.json"), "--baseline", path("baseline.json")], allowed: [0, 1])
        try lab(validate + ["--shard", "auto", "--json", path("shard-1.json")], environment: ["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2"])
        try lab(validate + ["--shard", "auto", "--json", path("shard-2.json")], environment: ["JOB_COMPLETION_INDEX": "1", "LEAKLAB_SHARD_TOTAL": "2"])
        try lab(["merge", path("shard-2.json"), path("shard-1.json"), "--json", path("merged.json")])
        try lab([
            "power", "--rates", "1024", "--iterations", "200", "--repeat", "1", "--negatives", "drip",
            "--detectors", "channels,settle", "--json", path("power.json"), "--quiet",
        ])
        try lab([
            "compare-allocators", "retain-cycle/strong-self", "--config", "jemalloc", "--config", "glibc-trim",
            "--json", path("compare.json"), "--quiet",
        ])
        if !failures.isEmpty { throw SchemaTestError.commandsFailed(failures) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return Dictionary(uniqueKeysWithValues: names.map { ($0, path($0)) })
    }

    enum SchemaTestError: Error, CustomStringConvertible {
        case commandsFailed([String])
        var description: String {
            switch self {
            case .commandsFailed(let failures): failures.joined(separator: "\n")
            }
        }
    }

    @Test func everyOutputValidatesAgainstTheSchemaItsSchemaFieldNames() throws {
        let files = try Self.outputs.get()
        // The documents each command writes, and the journal lines validate and power append.
        let expected = [
            "list.json": "list.schema.json", "explain.json": "explain.schema.json", "explain-variant.json": "explain.schema.json",
            "run.json": "run.schema.json", "runs.json": "runs.schema.json", "audit.json": "audit.schema.json",
            "validate.json": "validate.schema.json", "validate-gate.json": "validate.schema.json",
            "baseline.json": "baseline.schema.json", "shard-1.json": "validate.schema.json", "shard-2.json": "validate.schema.json",
            "merged.json": "validate.schema.json", "power.json": "power.schema.json", "compare.json": "compare.schema.json",
            "validate.json.journal.jsonl:1": "run.schema.json", "power.json.journal.jsonl:1": "run.schema.json",
        ]
        let paths = files.values.sorted()
        let result = Self.validate(paths)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        for (name, schema) in expected {
            #expect(result.stdout.contains("/\(name): valid (\(schema))"), "\(name) validated against \(schema):\n\(result.stdout)")
        }
        // The runs that ran as shards say which: auto was resolved to I/N where it ran.
        let shard = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try #require(files["shard-2.json"]))))
        #expect((shard as? [String: Any])?["shard"] as? String == "2/2")
    }

    @Test func aWrongTypeOrAMissingRequiredFieldFailsWithItsPath() throws {
        let files = try Self.outputs.get()
        let directory = CLI.temporaryFile("schemas-broken")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        func broken(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            let data = try Data(contentsOf: URL(fileURLWithPath: try #require(files[name])))
            var document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            change(&document)
            let path = "\(directory)/\(UUID().uuidString)-\(name)"
            try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: path))
            return path
        }
        func editRun(_ document: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
            var runs = document["runs"] as? [[String: Any]] ?? []
            change(&runs[0])
            document["runs"] = runs
        }
        let cases: [(file: String, expect: String)] = [
            // A count as text.
            (
                try broken("run.json") { run in
                    var samples = run["samples"] as! [[String: Any]]
                    samples[0]["rss"] = "12345"
                    run["samples"] = samples
                }, "at samples/0/rss: '12345' is not of type 'integer'"
            ),
            // A run without its outcome, inside a validate document.
            (try broken("validate.json") { editRun(&$0) { $0.removeValue(forKey: "outcome") } }, "at runs/0: 'outcome' is a required property"),
            // A verdict the schema does not know.
            (
                try broken("list.json") { document in
                    var scenarios = document["scenarios"] as! [[String: Any]]
                    var variants = scenarios[0]["variants"] as! [[String: Any]]
                    var truth = variants[0]["truth"] as! [String: Any]
                    truth["verdict"] = "maybe"
                    variants[0]["truth"] = truth
                    scenarios[0]["variants"] = variants
                    document["scenarios"] = scenarios
                }, "at scenarios/0/variants/0/truth/verdict: 'maybe' is not one of"
            ),
            // A score that is no count, and a field no version of the document has.
            (
                try broken("power.json") {
                    $0["detectors"] = [
                        [
                            "detector": "trend", "cells": [], "minimumDetectable": [],
                            "negativeRuns": 1.5, "falsePositives": 0, "falseAlarms": [], "negativeFailures": 0,
                        ]
                    ]
                },
                "at detectors/0/negativeRuns: 1.5 is not of type 'integer'"
            ),
            (try broken("audit.json") { $0["passd"] = true }, "Additional properties are not allowed ('passd' was unexpected)"),
            (try broken("baseline.json") { $0.removeValue(forKey: "detectors") }, "'detectors' is a required property"),
            // Another version of the document has no schema here.
            (try broken("compare.json") { $0["schema"] = "leaklab.compare/1" }, "no schema in"),
        ]
        for (file, message) in cases {
            let result = Self.validate([file])
            #expect(result.status == 1, "\(file): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains(message), "\(file): expected «\(message)» in:\n\(result.stderr)")
        }
    }

    /// A new JSON document (a new `"leaklab.NAME/N"` in the sources) needs its schema here.
    @Test func everySchemaVersionInTheSourcesHasASchemaFile() throws {
        let titles = try FileManager.default.contentsOfDirectory(atPath: Self.schemas)
            .filter { $0.hasSuffix(".schema.json") }
            .map { name -> String in
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.schemas)/\(name)"))
                let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema", "\(name)")
                return try #require(schema["title"] as? String, "\(name) has a title")
            }
        let sources = FileManager.default.enumerator(atPath: "\(Self.root)/Sources")!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        var versions: Set<String> = []
        let pattern = try Regex(#""(leaklab\.[a-z-]+/[0-9]+)""#)
        for file in sources {
            let text = try String(contentsOfFile: "\(Self.root)/Sources/\(file)", encoding: .utf8)
            for match in text.matches(of: pattern) { versions.insert(String(text[match.range]).trimmingCharacters(in: ["\""])) }
        }
        #expect(versions.count >= 9, "found \(versions.sorted())")
        for version in versions.sorted() {
            #expect(titles.contains(version), "\(version) is written by the CLI but docs/schemas has no schema titled so")
        }
    }
}
