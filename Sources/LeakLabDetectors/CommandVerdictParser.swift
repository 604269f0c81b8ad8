import Foundation
import LeakLabModel

/// Reads the verdict a `--detector-cmd` program prints, strictly (docs/detector-protocol.md).
///
/// The output must be exactly one JSON object, optionally surrounded by whitespace, with `leak`
/// (a Boolean) and optionally `ratePerIteration` (a finite number), `confidence` (0…1),
/// `firstIteration` (an integer ≥ 0), `resourceRates` (`{name: number}`) and `note` (a string).
/// Any other field, type or value is an error.
public enum CommandVerdictParser {
    /// The verdict, or why the output is not one.
    public static func parse(_ output: [UInt8], detector: String) -> Result<DetectorVerdict, ParseError> {
        let text = String(decoding: output, as: UTF8.self)
        guard text.contains(where: { !$0.isWhitespace }) else { return .failure(ParseError("printed nothing")) }
        let reply: Reply
        do {
            reply = try JSONDecoder().decode(Reply.self, from: Data(output))
        } catch let error as ParseError {
            return .failure(error)
        } catch let DecodingError.keyNotFound(key, _) {
            return .failure(ParseError("missing \"\(key.stringValue)\""))
        } catch let DecodingError.typeMismatch(type, context) {
            return .failure(ParseError("\(fieldName(context)) is not \(typeName(type))"))
        } catch let DecodingError.valueNotFound(type, context) {
            return .failure(ParseError("\(fieldName(context)) is null, expected \(typeName(type))"))
        } catch {
            return .failure(ParseError("not a JSON object: \(excerpt(text))"))
        }
        return .success(
            DetectorVerdict(
                detector: detector, leak: reply.leak, ratePerIteration: reply.ratePerIteration,
                resourceRates: reply.resourceRates, confidence: reply.confidence,
                firstIteration: reply.firstIteration, note: reply.note))
    }

    /// What is wrong with a program's output.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    private struct Reply: Decodable {
        var leak: Bool
        var ratePerIteration: Double?
        var confidence: Double?
        var firstIteration: Int?
        var resourceRates: [String: Double]?
        var note: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case leak, ratePerIteration, confidence, firstIteration, resourceRates, note
        }

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let all = try decoder.container(keyedBy: AnyKey.self)
            let known = Set(CodingKeys.allCases.map(\.rawValue))
            if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
                throw ParseError("unknown field \"\(unknown)\"")
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            leak = try container.decode(Bool.self, forKey: .leak)
            ratePerIteration = try container.decodeIfPresent(Double.self, forKey: .ratePerIteration)
            confidence = try container.decodeIfPresent(Double.self, forKey: .confidence)
            // Read as a number and checked here: the JSON decoder reports 2.5-for-Int as corrupt JSON.
            if let first = try container.decodeIfPresent(Double.self, forKey: .firstIteration) {
                guard first == first.rounded(), abs(first) < 1e15 else { throw ParseError("\"firstIteration\" is not an integer") }
                firstIteration = Int(first)
            }
            resourceRates = try container.decodeIfPresent([String: Double].self, forKey: .resourceRates)
            note = try container.decodeIfPresent(String.self, forKey: .note)
            if let ratePerIteration, !ratePerIteration.isFinite { throw ParseError("\"ratePerIteration\" is not finite") }
            if let confidence, !(0...1).contains(confidence) {
                throw ParseError("\"confidence\" is \(confidence), outside 0…1")
            }
            if let firstIteration, firstIteration < 0 { throw ParseError("\"firstIteration\" is negative") }
        }
    }

    private static func fieldName(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "the output" : "\"" + context.codingPath.map(\.stringValue).joined(separator: ".") + "\""
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "a Boolean"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        default: "a JSON object"
        }
    }

    private static func excerpt(_ text: String) -> String {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return line.count > 80 ? "\"\(line.prefix(80))…\"" : "\"\(line)\""
    }
}
