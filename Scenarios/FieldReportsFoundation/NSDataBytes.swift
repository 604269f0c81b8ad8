import FieldReportsSupport
import Foundation
import LeakLabKit

/// swift-corelibs-foundation #380 (SR-1552, 2016): on Linux the bytes of every NSData and
/// NSMutableData were never freed, because CF's "don't deallocate" flag was always set. Found by
/// Kitura's profiling (Kitura #468). Fixed upstream.
let nsDataBytesScenario = Scenario(
    id: "field-nsdata-bytes",
    title: "NSData and NSMutableData never freed their bytes on Linux (corelibs-foundation #380): fixed upstream",
    pattern: .runtime,
    summary: """
        A web framework builds each response body in an `NSMutableData` and hands the bytes on as \
        `NSData`. In 2016, on Linux, the buffer behind every NSData was never freed: \
        `__kCFDontDeallocate` was set on all of them, so the object went and its bytes stayed. \
        Kitura's profiling found it; fixed in corelibs-foundation. On Swift 6.3.1 both variants \
        here are clean: the fix holds.
        """,
    training: Training(
        symptoms: """
            What users saw (Kitura #468): server memory growing by each response's size, on Linux \
            only, traced with valgrind's massif. Here, on Swift 6.3.1: heap bytes and objects return \
            to the same level after every response.
            """,
        detection: """
            Root cause (fixed): the CF object's flag told CoreFoundation not to free the bytes it \
            did not own, and corelibs set it even when NSData did own them. A regression would be \
            unreachable buffers the size of each response: memcheck, LeakSanitizer and every \
            allocation trend would see it at once.
            """,
        fix: """
            Upgrade (fixed in the Swift 3 previews). Code today mostly uses `Data`, which is a \
            value type and was never affected; this scenario guards the NSData path still used by \
            older code and bridging.
            """,
        mirrors: ""),
    parameters: [
        .integer("body-bytes", default: 2_048, range: 1...1 << 20, help: "bytes in each response body")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "mutable-data-appended", role: .fixed,
            summary: "an NSMutableData built with append(_:length:) per response (leaked its bytes in 2016)",
            truth: .clean(note: "Measured 0 B and 0 allocations per response on Swift 6.3.1: the bytes are freed with the object."),
            source: SourceLocation(region: "mutable-data-appended"),
            makeWorkload: { ResponseBodies(bodyBytes: $0.integer("body-bytes"), copying: false) }),
        Variant(
            name: "data-copied-bytes", role: .fixed,
            summary: "NSData(bytes:length:) copying a buffer per response (leaked its copy in 2016)",
            truth: .clean(note: "Measured 0 B and 0 allocations per response on Swift 6.3.1."),
            source: SourceLocation(region: "data-copied-bytes"),
            makeWorkload: { ResponseBodies(bodyBytes: $0.integer("body-bytes"), copying: true) }),
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-foundation/pull/380",
            title: "[SR-1552] Fix memory leak in NSMutableData and NSData", date: "2016-05-21"),
        Reference(
            url: "https://github.com/Kitura/Kitura/issues/468",
            title: "NSMutableData leak on Linux", date: "2016-05-12"),
    ])

final class ResponseBodies: ScenarioWorkload {
    let chunk: [UInt8]
    let copying: Bool
    init(bodyBytes: Int, copying: Bool) {
        chunk = [UInt8](repeating: 0x2A, count: bodyBytes)
        self.copying = copying
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        _ = copying ? dataCopiedBytes(chunk) : mutableDataAppended(chunk)
    }
}

// leaklab:begin mutable-data-appended
/// Builds a response body in two appends and returns its length.
func mutableDataAppended(_ chunk: [UInt8]) -> Int {
    let body = NSMutableData()
    chunk.withUnsafeBytes { bytes in
        body.append(bytes.baseAddress!, length: bytes.count / 2)
        body.append(bytes.baseAddress! + bytes.count / 2, length: bytes.count - bytes.count / 2)
    }
    return body.length
}
// leaklab:end mutable-data-appended

// leaklab:begin data-copied-bytes
/// Copies a buffer into an immutable NSData and returns its length.
func dataCopiedBytes(_ chunk: [UInt8]) -> Int {
    let body = chunk.withUnsafeBytes { NSData(bytes: $0.baseAddress, length: $0.count) }
    return body.length
}
// leaklab:end data-copied-bytes
