import FieldReportsSupport
import Foundation
import LeakLabKit

/// swift-corelibs-foundation #2692 (SR-11917, Swift 5.2): `JSONEncoder` with `.sortedKeys` leaked
/// on Linux, because comparing strings with a locale leaked an ICU collator. Fixed upstream.
let sortedKeysEncoderScenario = Scenario(
    id: "field-sorted-keys-encoder",
    title: "JSONEncoder's .sortedKeys leaked an ICU collator per comparison on Linux (SR-11917): fixed upstream",
    pattern: .runtime,
    summary: """
        An API server encodes every response with `JSONEncoder` and `.sortedKeys`, for stable \
        output. Before Swift 5.2, on Linux, each key comparison went through \
        `NSString.compare(_:options:range:locale:)`, which opened an ICU collator and never closed \
        it: memory grew with every response. Fixed in corelibs-foundation (a cached collator); \
        JSONEncoder is now swift-foundation's. On Swift 6.3.1 both variants are clean: the fix holds.
        """,
    training: Training(
        symptoms: """
            What users saw (2020): memory growing on Linux only, with every `.sortedKeys` \
            encode. Here, on Swift 6.3.1: heap bytes and objects return to the same level after \
            every response.
            """,
        detection: """
            Root cause (fixed): `_CFCompareStringsWithLocale` created a collator per call on \
            non-Darwin platforms and never released it; any locale-aware comparison leaked, \
            `.sortedKeys` just did many. A regression would be unreachable memory inside ICU: \
            memcheck and LeakSanitizer would name the collator, allocation trends would see a \
            slope per comparison.
            """,
        fix: """
            Upgrade (corelibs-foundation 5.2 and later cache the collator, as Darwin does). Nothing \
            to change in code like this; this scenario guards that the fix holds.
            """,
        mirrors: ""),
    parameters: [
        .integer("keys", default: 16, range: 1...1_000, help: "keys in each encoded response")
    ],
    defaultIterations: 1_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "sorted-keys-encoder", role: .fixed,
            summary: "a response dictionary encoded with JSONEncoder and .sortedKeys per request",
            truth: .clean(note: "Measured 0 B and 0 allocations per response on Swift 6.3.1 (16 sorted keys per response)."),
            source: SourceLocation(region: "sorted-keys-encoder"),
            makeWorkload: { SortedKeysWorkload(keys: $0.integer("keys"), direct: false) }),
        Variant(
            name: "compare-with-locale", role: .fixed,
            summary: "the call that leaked: String.compare(_:options:range:locale:) with a locale",
            truth: .clean(note: "Measured 0 B and 0 allocations per comparison pass on Swift 6.3.1: no collator is leaked."),
            source: SourceLocation(region: "compare-with-locale"),
            makeWorkload: { SortedKeysWorkload(keys: $0.integer("keys"), direct: true) }),
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-foundation/pull/2692",
            title: "[5.2] SR-11917: Using JSONEncoder's .outputFormatting = .sortedKeys has a memory leak on Linux",
            date: "2020-02-23")
    ])

final class SortedKeysWorkload: ScenarioWorkload {
    let response: [String: Int]
    let direct: Bool
    let encoder = JSONEncoder()
    let locale = Locale(identifier: "en_US")

    init(keys: Int, direct: Bool) {
        response = Dictionary(uniqueKeysWithValues: (0..<keys).map { ("field-\($0 * 7919 % 1_000)-\($0)", $0) })
        self.direct = direct
        encoder.outputFormatting = .sortedKeys
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        if direct {
            _ = compareWithLocale(Array(response.keys), locale: locale)
        } else {
            _ = try sortedKeysEncoder(response, encoder: encoder)
        }
    }
}

// leaklab:begin sorted-keys-encoder
/// Encodes a response with sorted keys, as the report's server did for every request.
func sortedKeysEncoder(_ response: [String: Int], encoder: JSONEncoder) throws -> Int {
    try encoder.encode(response).count  // encoder.outputFormatting == .sortedKeys
}
// leaklab:end sorted-keys-encoder

// leaklab:begin compare-with-locale
/// The comparison that leaked a collator per call on Linux before the fix.
func compareWithLocale(_ keys: [String], locale: Locale) -> Int {
    var ascending = 0
    for (left, right) in zip(keys, keys.dropFirst())
    where left.compare(right, options: [], range: nil, locale: locale) == .orderedAscending {
        ascending += 1
    }
    return ascending
}
// leaklab:end compare-with-locale
