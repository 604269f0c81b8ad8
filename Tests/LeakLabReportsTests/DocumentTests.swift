import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner
import LeakLabTestFixtures
import Testing

/// Every document the lab writes can be read back by the library, with its schema version.
@Suite struct DocumentTests {
    static let runs = [
        makeRun(variant: "leaky", truth: leakTruth, seed: 42, verdicts: [verdict("trend", true, rate: 1_000, first: 150)]),
        makeRun(variant: "fixed", truth: cleanTruth, seed: 42, verdicts: [verdict("trend", false)]),
    ]

    static func validateDocument(shard: String? = nil, runs: [RunRecord] = runs, matrix: [String]? = nil) -> ValidateDocument {
        ValidateDocument(
            shard: shard, matrix: matrix ?? runs.map(\.matrixKey), runs: runs,
            detectors: Scoring.score(runs, detectors: ["trend"]), errors: [])
    }

    @Test func aValidateDocumentWrittenToAFileReadsBackWithItsSchema() throws {
        let file = TemporaryFile("validate.json")
        try JSONOutput.write(Self.validateDocument(), to: file.path)
        let read = try ValidateDocument.read(file.path)
        #expect(read.schema == "leaklab.validate/1")
        #expect(read.runs == Self.runs)
        #expect(read.detectors.map(\.detector) == ["trend"])
        #expect(read.detectors[0].overall.tp == 1)
    }

    @Test func aValidateDocumentOfAnotherSchemaVersionIsRefusedNamingBoth() throws {
        let file = TemporaryFile("validate.json")
        var document = Self.validateDocument()
        document.schema = "leaklab.validate/9"
        try JSONOutput.write(document, to: file.path)
        #expect {
            _ = try ValidateDocument.read(file.path)
        } throws: { error in
            "\(error)".contains("leaklab.validate/9") && "\(error)".contains("leaklab.validate/1")
        }
    }

    @Test func shardsMergeInMatrixOrderAndAreScoredAsOne() throws {
        let matrix = Self.runs.map(\.matrixKey)
        let second = TemporaryFile("2.json"), first = TemporaryFile("1.json")
        try JSONOutput.write(Self.validateDocument(shard: "2/2", runs: [Self.runs[1]], matrix: matrix), to: second.path)
        try JSONOutput.write(Self.validateDocument(shard: "1/2", runs: [Self.runs[0]], matrix: matrix), to: first.path)
        let merged = try ValidateDocument.merge([second.path, first.path])
        #expect(merged.shard == nil)
        #expect(merged.runs.map(\.variant) == ["leaky", "fixed"])
        #expect(merged.detectors[0].overall.tp == 1 && merged.detectors[0].overall.tn == 1)
    }

    @Test func aResultRunWithoutShardIsNotMerged() throws {
        let file = TemporaryFile("whole.json")
        try JSONOutput.write(Self.validateDocument(), to: file.path)
        #expect { _ = try ValidateDocument.merge([file.path]) } throws: { "\($0)".contains("is not a shard") }
    }

    @Test func severalRunsAreWrittenUnderRunsAndOneRunAlone() throws {
        let many = TemporaryFile("runs.json"), one = TemporaryFile("run.json")
        try RunJSON.write(Self.runs, to: many.path)
        try RunJSON.write([Self.runs[0]], to: one.path)
        let decoded = try JSONDecoder().decode(RunJSON.Many.self, from: Data(contentsOf: URL(fileURLWithPath: many.path)))
        #expect(decoded.schema == "leaklab.runs/1")
        #expect(decoded.runs == Self.runs)
        let single = try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: URL(fileURLWithPath: one.path)))
        #expect(single == Self.runs[0])
    }

    @Test func anAuditDocumentReadsBackAndDerivesPassedFromItsChecks() throws {
        let rows = twoAuditRows
        let data = try JSONOutput.encoder().encode(AuditDocument(rows: rows, passed: false, mutation: nil))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"passed\" : false") && text.contains("\"passed\" : true"))
        let read = try JSONDecoder().decode(AuditDocument.self, from: data)
        #expect(read.schema == "leaklab.audit/2")
        #expect(read.rows.map(\.passed) == [true, false])
    }

    @Test func aPowerDocumentReadsBack() throws {
        let document = PowerDocument(
            sweep: .init(rates: [8, 64], iterations: [200], noise: [0], repeats: 2, negativeRepeats: 1, negatives: ["cache/fixed"]),
            detectors: [], errors: ["drip/leaky/it=200/rate=8: crashed"])
        let read = try JSONDecoder().decode(PowerDocument.self, from: JSONOutput.encoder().encode(document))
        #expect(read.schema == "leaklab.power/1")
        #expect(read.sweep.rates == [8, 64])
        #expect(read.errors == document.errors)
    }

    @Test func aListDocumentAsSpecifiedDecodes() throws {
        let json = """
            {"schema": "leaklab.list/1", "refused": [{"path": "/x/libLeakLabKit.so", "kind": "not-a-plugin", "reason": "no leaklab_plugin_v1"}],
             "plugins": [{"name": "caches", "path": "/x/libcaches.so", "apiVersion": 2}],
             "scenarios": [{"id": "cache", "title": "A cache", "pattern": "unbounded-cache", "plugin": "caches", "summary": "s",
               "defaultIterations": 2000, "defaultWarmUp": 100, "parameters": [], "references": [],
               "variants": [{"name": "leaky", "role": "leaky", "summary": "grows",
                 "truth": \(String(decoding: try JSONEncoder().encode(leakTruth), as: UTF8.self))}]}]}
            """
        let document = try JSONDecoder().decode(ListDocument.self, from: Data(json.utf8))
        #expect(document.schema == ListDocument.currentSchema)
        #expect(document.scenarios[0].variants[0].truth == leakTruth)
        #expect(document.refused[0].kind == "not-a-plugin")
    }

    @Test func anAllocatorComparisonReadsBackEqual() throws {
        let runs = [
            makeRun(variant: "leaky", truth: leakTruth, samples: rssSamples(baseline: 10 * mib, end: 20 * mib, settled: 12 * mib)),
            makeRun(variant: "leaky", truth: leakTruth, allocator: .glibc, samples: rssSamples(baseline: 10 * mib, end: 30 * mib, settled: 30 * mib)),
        ]
        let comparison = AllocatorComparison(
            configurations: [.init(name: "jemalloc", allocator: .jemalloc), .init(name: "glibc", allocator: .glibc)], runs: runs)
        let read = try JSONDecoder().decode(AllocatorComparison.self, from: JSONOutput.encoder().encode(comparison))
        #expect(read == comparison)
        #expect(read.schema == "leaklab.compare/2")
    }
}
