import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabTestFixtures
import Testing

/// Property tests: the parsers of what comes from outside the lab (traces and run records from
/// files, a child's messages, a detector program's verdict, baselines, `--shard`) face thousands of
/// generated and mutated inputs, from a seeded generator so a failure repeats. Each must either
/// decode or throw: never crash, never hang, never accept something that breaks its own rules.
@Suite struct ParserFuzzTests {
    /// Mutations per seed input. Deterministic: every run feeds the same inputs.
    static let rounds = 1_500

    // MARK: Seeds

    static func smallTrace() -> Trace {
        var builder = TraceBuilder.linearLeak()
        builder.warmUp = 20
        builder.workload = 100
        builder.every = 10
        builder.settleSamples = 2
        return builder.build()
    }

    static func smallRecord() -> RunRecord {
        var record = makeRun(variant: "leaky", truth: leakTruth, seed: 42, verdicts: [verdict("trend", true, rate: 1_000, first: 40)])
        record.samples = Array(smallTrace().samples.prefix(6))
        record.peakRSS = 20 << 20
        return record
    }

    static func json<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try! encoder.encode(value))
    }

    static let childMessages: [[UInt8]] = [
        json(ChildMessage.hello(allocator: AllocatorReport(requested: .jemalloc, active: .jemalloc), unavailableMetrics: [.mapped])),
        json(ChildMessage.sample(smallTrace().samples[3])),
        json(ChildMessage.failed(phase: .setUp, message: "could not \"open\" \u{1B}[31m")),
        json(ChildMessage.finished),
    ]

    static let verdicts: [String] = [
        #"{"leak": true, "ratePerIteration": 1280.5, "confidence": 0.93, "firstIteration": 412}"#,
        #"{"leak": false}"#,
        #"{"leak": true, "resourceRates": {"fds": 1, "threads": 0.5}, "note": "slope"}"#,
        #"  {"leak": false, "confidence": 0, "firstIteration": 0}  "#,
    ]

    static func baseline() -> [UInt8] {
        let runs = [
            makeRun(variant: "leaky", truth: leakTruth, verdicts: [verdict("trend", true, rate: 900, first: 30)]),
            makeRun(variant: "fixed", truth: cleanTruth, verdicts: [verdict("trend", false)]),
        ]
        let baseline = Baseline(scores: Scoring.score(runs, detectors: ["trend"]), runs: runs)
        return Array(try! baseline.encoded())
    }

    // MARK: Properties

    @Test func seedsDecodeAndRoundTrip() throws {
        let decoder = JSONDecoder()
        let trace = Self.smallTrace()
        #expect(try decoder.decode(Trace.self, from: Data(Self.json(trace))) == trace)
        let record = Self.smallRecord()
        #expect(try decoder.decode(RunRecord.self, from: Data(Self.json(record))) == record)
        for message in Self.childMessages { _ = try decoder.decode(ChildMessage.self, from: Data(message)) }
        for text in Self.verdicts {
            guard case .success = CommandVerdictParser.parse(Array(text.utf8), detector: "cmd") else {
                Issue.record("seed verdict refused: \(text)")
                continue
            }
        }
        _ = try Baseline.decode(Data(Self.baseline()))
    }

    @Test func recordsAndBudgetsFromBeforeThreadsAndPeakRSSStillDecode() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.json(Self.smallRecord()))) as? [String: Any])
        object["peakRSS"] = nil
        var budgets = try #require(object["budgets"] as? [String: Any])
        budgets["threads"] = nil
        object["budgets"] = budgets
        let old = try JSONSerialization.data(withJSONObject: object)
        let record = try JSONDecoder().decode(RunRecord.self, from: old)
        #expect(record.budgets.threads == Budgets.defaultThreads)
        #expect(record.peakRSS == nil)
    }

    @Test func traceAndRunRecordDecodingNeverCrashes() {
        var random = SplitMix64(seed: 0x7ACE)
        let decoder = JSONDecoder()
        let seeds = [Self.json(Self.smallTrace()), Self.json(Self.smallRecord())]
        var decoded = 0
        for round in 0..<Self.rounds {
            let input = Fuzz.mutate(seeds[round % 2], random: &random)
            if (try? decoder.decode(Trace.self, from: Data(input))) != nil { decoded += 1 }
            if (try? decoder.decode(RunRecord.self, from: Data(input))) != nil { decoded += 1 }
        }
        for _ in 0..<Self.rounds / 3 {
            let input = Array(Fuzz.randomJSON(random: &random, depth: 0).utf8)
            _ = try? decoder.decode(Trace.self, from: Data(input))
            _ = try? decoder.decode(RunRecord.self, from: Data(input))
        }
        #expect(decoded > 0, "some mutations (e.g. of a number's digits) still decode")
    }

    @Test func childMessageDecodingNeverCrashes() {
        var random = SplitMix64(seed: 0xC411D)
        let decoder = JSONDecoder()
        for round in 0..<Self.rounds * 2 {
            let input = Fuzz.mutate(Self.childMessages[round % Self.childMessages.count], random: &random)
            _ = try? decoder.decode(ChildMessage.self, from: Data(input))
        }
        for _ in 0..<Self.rounds / 3 {
            _ = try? decoder.decode(ChildMessage.self, from: Data(Fuzz.randomJSON(random: &random, depth: 0).utf8))
        }
    }

    @Test func commandVerdictParserNeverCrashesAndOnlyAcceptsValidVerdicts() {
        var random = SplitMix64(seed: 0x7E2D1C7)
        var inputs: [[UInt8]] = []
        for round in 0..<Self.rounds * 2 {
            inputs.append(Fuzz.mutate(Array(Self.verdicts[round % Self.verdicts.count].utf8), random: &random))
        }
        for _ in 0..<Self.rounds / 2 { inputs.append(Array(Fuzz.randomJSON(random: &random, depth: 0).utf8)) }
        for _ in 0..<200 { inputs.append((0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }) }
        var accepted = 0
        for input in inputs {
            switch CommandVerdictParser.parse(input, detector: "cmd") {
            case .success(let verdict):
                accepted += 1
                if let confidence = verdict.confidence { #expect((0...1).contains(confidence), "\(String(decoding: input, as: UTF8.self))") }
                if let rate = verdict.ratePerIteration { #expect(rate.isFinite) }
                if let first = verdict.firstIteration { #expect(first >= 0) }
            case .failure(let error):
                #expect(!error.description.isEmpty)
            }
        }
        #expect(accepted > 0)
    }

    @Test func baselineDecodeNeverCrashesAndAlwaysSaysWhy() {
        var random = SplitMix64(seed: 0xBA5E)
        let seed = Self.baseline()
        var inputs = (0..<Self.rounds).map { _ in Fuzz.mutate(seed, random: &random) }
        inputs += (0..<Self.rounds / 3).map { _ in Array(Fuzz.randomJSON(random: &random, depth: 0).utf8) }
        for input in inputs {
            do {
                _ = try Baseline.decode(Data(input))
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func shardParsingNeverCrashesAndOnlyAcceptsInRangeShards() {
        var random = SplitMix64(seed: 0x5A4D)
        let alphabet = Array("0123456789/ -+x\u{0660}\u{FF11}9999999999999999999999".unicodeScalars)
        var inputs = ["1/2", "2/2", "10/10", " 3/7 ", "0/1", "1/0", "/", "1//2", "-1/2", "+1/2", "١/٢"]
        for _ in 0..<Self.rounds * 2 {
            let length = Int(random.next() % 12)
            inputs.append(String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })))
        }
        for seed in ["1/2", "12/40"] {
            for _ in 0..<Self.rounds / 2 {
                inputs.append(String(decoding: Fuzz.mutate(Array(seed.utf8), random: &random), as: UTF8.self))
            }
        }
        for text in inputs {
            do {
                let shard = try Shard(parsing: text)
                #expect(shard.index >= 1 && shard.index <= shard.count, "\(text)")
                let selected = shard.select(Array(0..<37))
                #expect(selected.count <= 37)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}

/// Input generation for the fuzz tests.
enum Fuzz {
    /// Tokens that break parsers: JSON punctuation, numbers at the edges, escapes, odd bytes.
    static let tokens: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "false", "-0",
        "1e309", "-1e309", "NaN", "9223372036854775808", "-9223372036854775809", "0.0000001", "1e-400",
        "\"\u{1B}[31m\"", "\u{0}", "\u{FFFD}", "\"phase\"", "\"workload\"", "\"leak\"", "\"samples\"", "{}", "[]",
        "\"schema\"", "\"leaklab.baseline/1\"", "-1", "1.5", "\"\"",
    ]

    /// One to four random edits of `seed`: flip, delete, insert a token, duplicate, truncate, splice.
    static func mutate(_ seed: [UInt8], random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0..<(1 + Int(random.next() % 4)) {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
            switch random.next() % 7 {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1 << (random.next() % 8))
            case 1 where !bytes.isEmpty:
                let length = min(bytes.count - position, 1 + Int(random.next() % 16))
                bytes.removeSubrange(position..<position + length)
            case 2:
                bytes.insert(contentsOf: Array(tokens[Int(random.next() % UInt64(tokens.count))].utf8), at: position)
            case 3 where !bytes.isEmpty:
                let length = min(bytes.count - position, 1 + Int(random.next() % 64))
                bytes.insert(contentsOf: bytes[position..<position + length], at: position)
            case 4:
                bytes = Array(bytes.prefix(position))
            case 5 where !bytes.isEmpty:
                // A digit changed: still valid JSON, a different value.
                if let digit = bytes.indices.dropFirst(position).first(where: { (48...57).contains(bytes[$0]) }) {
                    bytes[digit] = 48 + UInt8(random.next() % 10)
                }
            default:
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            }
        }
        return bytes
    }

    /// A random JSON value, biased towards the keys the lab's formats use.
    static func randomJSON(random: inout SplitMix64, depth: Int) -> String {
        let keys = [
            "leak", "schema", "samples", "phase", "iteration", "t", "scenario", "variant", "detectors",
            "hello", "sample", "failed", "finished", "allocator", "confidence", "x", "",
        ]
        let choice = depth > 3 ? random.next() % 4 : random.next() % 7
        switch choice {
        case 0: return ["null", "true", "false"][Int(random.next() % 3)]
        case 1: return String(Int64(bitPattern: random.next()) >> Int64(random.next() % 63))
        case 2: return String(Double(Int64(bitPattern: random.next()) % 1_000_000_000) / 7)
        case 3: return "\"" + keys[Int(random.next() % UInt64(keys.count))] + "\""
        case 4, 5:
            let count = Int(random.next() % 5)
            let members = (0..<count).map { _ in
                "\"\(keys[Int(random.next() % UInt64(keys.count))])\": \(randomJSON(random: &random, depth: depth + 1))"
            }
            return "{" + members.joined(separator: ",") + "}"
        default:
            let count = Int(random.next() % 5)
            return "[" + (0..<count).map { _ in randomJSON(random: &random, depth: depth + 1) }.joined(separator: ",") + "]"
        }
    }
}
