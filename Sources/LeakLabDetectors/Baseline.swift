import Foundation
import LeakLabModel

/// What `validate --baseline F` compares against: each detector's scores and, per run key, whether
/// its verdict was right. Written by `validate --update-baseline`.
///
/// JSON: `{schema: "leaklab.baseline/1", detectors: {NAME: {overall: DetectorMetrics,
/// byPattern: {PATTERN: DetectorMetrics}, runs: {"scenario/variant/allocator": "correct" | "wrong" |
/// "failed"}, flipRates?: {"scenario/variant/allocator": 0.33}}}}`, keys sorted so that a baseline
/// diffs cleanly.
public struct Baseline: Codable, Sendable, Equatable {
    /// The version of this JSON shape.
    public static let currentSchema = "leaklab.baseline/1"

    public var schema: String
    /// Per detector, by name.
    public var detectors: [String: Entry]

    /// One detector's part of a baseline.
    public struct Entry: Codable, Sendable, Equatable {
        public var overall: DetectorMetrics
        public var byPattern: [String: DetectorMetrics]
        /// Per ``RunRecord/repeatKey``: whether the detector's verdicts on that run were right
        /// (all repeats right), wrong (some wrong), or failed (none wrong, some failed).
        public var runs: [String: RunCorrectness]
        /// Per ``RunRecord/repeatKey``, the share of the runs measured for the baseline whose
        /// verdict disagreed with the majority (0 < rate ≤ 0.5); keys that never flipped are left
        /// out, and so is the whole field in baselines written before it was kept. A cell with a
        /// flip rate is flaky: the gate reports it as such instead of as a regression.
        public var flipRates: [String: Double]?

        public init(
            overall: DetectorMetrics, byPattern: [String: DetectorMetrics], runs: [String: RunCorrectness],
            flipRates: [String: Double]? = nil
        ) {
            self.overall = overall
            self.byPattern = byPattern
            self.runs = runs
            self.flipRates = flipRates
        }
    }

    /// Whether a detector's verdict on a run was right.
    public enum RunCorrectness: String, Codable, Sendable {
        case correct, wrong, failed
    }

    public init(detectors: [String: Entry]) {
        self.schema = Self.currentSchema
        self.detectors = detectors
    }

    /// The baseline for `runs` as scored in `scores`.
    public init(scores: [DetectorScore], runs: [RunRecord]) {
        var detectors: [String: Entry] = [:]
        for score in scores {
            var correctness: [String: RunCorrectness] = [:]
            for run in runs {
                guard let verdict = run.verdict(of: score.detector) else { continue }
                let outcome = VerdictOutcome(verdict: verdict, run: run)
                let this: RunCorrectness = outcome == .failed ? .failed : outcome.isCorrect ? .correct : .wrong
                switch (correctness[run.repeatKey], this) {
                case (nil, _), (.correct?, _), (.failed?, .wrong): correctness[run.repeatKey] = this
                default: break
                }
            }
            detectors[score.detector] = Entry(overall: score.overall, byPattern: score.byPattern, runs: correctness)
        }
        self.init(detectors: detectors)
    }

    /// Reads a baseline, checking its schema first.
    ///
    /// - Throws: ``BaselineError`` naming what is wrong: not JSON, not an object, another schema,
    ///   a missing or mistyped field (with its path).
    public static func decode(_ data: Data) throws(BaselineError) -> Baseline {
        let decoder = JSONDecoder()
        let probe: SchemaProbe
        do {
            probe = try decoder.decode(SchemaProbe.self, from: data)
        } catch let error as DecodingError {
            if case .typeMismatch = error { throw .notABaseline("the file is not a JSON object") }
            throw .corrupt("not valid JSON (\(Self.reason(error)))")
        } catch {
            throw .corrupt("not valid JSON (\(error))")
        }
        guard let schema = probe.schema else { throw .missingField("schema") }
        guard schema == currentSchema else { throw .wrongSchema(found: schema, expected: currentSchema) }
        do {
            return try decoder.decode(Baseline.self, from: data)
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                throw .missingField(Self.path(context.codingPath + [key]))
            case .valueNotFound(_, let context):
                throw .missingField(Self.path(context.codingPath))
            case .typeMismatch(let type, let context):
                throw .invalidField(Self.path(context.codingPath), "expected \(type)")
            case .dataCorrupted(let context):
                throw .invalidField(Self.path(context.codingPath), context.debugDescription)
            @unknown default:
                throw .corrupt(Self.reason(error))
            }
        } catch {
            throw .corrupt("\(error)")
        }
    }

    /// Reads the baseline file at `url`.
    public static func load(contentsOf url: URL) throws(BaselineError) -> Baseline {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(url.path, "\(error.localizedDescription)") }
        return try decode(data)
    }

    /// The baseline as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    private struct SchemaProbe: Decodable {
        var schema: String?
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "(top level)" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func reason(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): (context.underlyingError.map { "\($0)" }) ?? context.debugDescription
        default: "\(error)"
        }
    }
}

/// Why a baseline file could not be read.
public enum BaselineError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case corrupt(String)
    case notABaseline(String)
    case wrongSchema(found: String, expected: String)
    case missingField(String)
    case invalidField(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read baseline \(path): \(reason)"
        case .corrupt(let reason): "baseline is corrupt: \(reason)"
        case .notABaseline(let reason): "not a LeakLab baseline: \(reason)"
        case .wrongSchema(let found, let expected): "not a LeakLab baseline: schema is \"\(found)\", expected \"\(expected)\""
        case .missingField(let path): "baseline is missing field \(path)"
        case .invalidField(let path, let reason): "baseline field \(path) is invalid: \(reason)"
        }
    }
}
