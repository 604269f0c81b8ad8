import FieldReportsSupport
import Foundation
import LeakLabKit

/// swift-corelibs-foundation #3885 (SR-4036): `String.cString(using:)` and `NSString.utf8String`
/// leak the C string they make on Linux, where there is no autorelease pool to free it.
let cStringUsingEncodingScenario = Scenario(
    id: "field-cstring-using-encoding",
    title: "NSString.utf8String leaks its C string on Linux (corelibs-foundation #3885)",
    pattern: .unmanagedMemory,
    summary: """
        A server converts a header value to a C string for a C logging API on every request, \
        through `NSString.utf8String` or `String.cString(using:)`. On Darwin the buffer behind it \
        is autoreleased; swift-corelibs-foundation has no autorelease pool, so NSString mallocs a \
        copy that nothing ever frees. Reported in 2017 (SR-4036) and still open; in 2025 the \
        maintainers deprecated the APIs on non-Darwin platforms instead. On Swift 6.3.1 \
        `utf8String` still leaks; the `String.cString(using:)` of the report measures clean here.
        """,
    training: Training(
        symptoms: """
            What users saw: a loop of `"test\\(i)".cString(using: .utf8)` grows without bound on \
            Linux and not on macOS. Here: heap bytes and live allocations grow by one C string per \
            call (the string's UTF-8 bytes, a NUL, rounded up to the allocator's size class); fds \
            and threads stay flat.
            """,
        detection: """
            Root cause: NSString's `cString(using:)` and `utf8String` return a pointer into a \
            malloc'ed buffer that Darwin hands to the autorelease pool; corelibs-foundation has \
            none, so the buffer is never freed. Nothing points at it after the call: valgrind \
            reports it definitely lost and LeakSanitizer reports it, with the allocation inside \
            Foundation's NSString code, which sends readers to Foundation rather than to the caller. \
            The build warns: the API is deprecated on Linux since corelibs-foundation #5190.
            """,
        fix: """
            The maintainers' fix is to stop using the API: `String.withCString { }` (or \
            `withCString(encodedAs:)`) lends a pointer valid inside the closure and frees nothing \
            because it copies nothing; `Array(string.utf8CString)` when an owned copy is needed.
            """,
        mirrors: "Go: C.CString without C.free (cgo), a copy only the caller can free."),
    parameters: [
        .integer("text-bytes", default: 200, range: 1...65_536, help: "UTF-8 bytes of the header value converted per iteration")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "nsstring-utf8string", role: .leaky,
            summary: "`NSString(string:).utf8String` per request: the same leak through the NSString API",
            truth: .leak(
                .heap(.unreachable, bytes: 224, requested: 201, objects: 1),
                note: """
                    Measured 224 B and 1 allocation per request at 2,000 and 4,000 iterations \
                    (release build, jemalloc with tcache off): NSString's malloc'ed UTF-8 copy of the 200-byte header plus its NUL, in \
                    jemalloc's 224 B size class. Unreachable: the returned pointer was the only one.
                    """),
            source: SourceLocation(region: "nsstring-utf8string"),
            makeWorkload: { NSStringUTF8String(textBytes: $0.integer("text-bytes")) }),
        Variant(
            name: "with-cstring", role: .fixed,
            summary: "`header.withCString { }`: a pointer lent for the closure, nothing to free",
            truth: .clean(note: "Measured 0 B and 0 allocations per request: nothing is copied."),
            source: SourceLocation(region: "with-cstring"),
            makeWorkload: { WithCString(textBytes: $0.integer("text-bytes")) }),
        Variant(
            name: "string-cstring-using-encoding", role: .fixed,
            summary: "the report's own call, `header.cString(using: .utf8)`: no longer leaks on Swift 6.3.1",
            truth: .clean(
                note: """
                    Measured 0 B and 0 allocations per request on Swift 6.3.1: the String overload of \
                    the report no longer leaves a buffer behind, though #3885 is still open and the API \
                    is deprecated; the NSString path (nsstring-utf8string) still leaks.
                    """),
            source: SourceLocation(region: "string-cstring-using-encoding"),
            makeWorkload: { CStringUsingEncoding(textBytes: $0.integer("text-bytes")) }),
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-foundation/issues/3885",
            title: "[SR-4036] Memory leak with String.cString(using: Encoding)", date: "2017-02-22"),
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-foundation/pull/5190",
            title: "Deprecate cString on non-Darwin (#3885)", date: "2025-03-17"),
    ])

/// A header value of `bytes` UTF-8 bytes, different per workload so no constant is folded.
func headerValue(bytes: Int) -> String {
    String(repeating: "x-request-id;", count: bytes / 13 + 1).prefix(bytes).description
}

/// Stands in for a C API that reads a NUL-terminated string (a logger): counts its bytes.
@inline(never)
func logToC(_ cString: UnsafePointer<CChar>) -> Int { strlen(cString) }

struct CStringConversionFailed: Error, CustomStringConvertible {
    var description: String { "the header could not be converted to a C string" }
}

// Both kernels below call APIs deprecated on Linux because of this very leak; the deprecation
// marks keep the build free of warnings: the calls are made on purpose.

// leaklab:begin string-cstring-using-encoding
/// Hands a header to a C logger per request through `cString(using:)`.
final class CStringUsingEncoding: ScenarioWorkload {
    let header: String
    init(textBytes: Int) { header = headerValue(bytes: textBytes) }

    @available(*, deprecated, message: "reproduces corelibs-foundation #3885 on purpose")
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard let cString = header.cString(using: .utf8) else { throw CStringConversionFailed() }
        _ = cString.withUnsafeBufferPointer { logToC($0.baseAddress!) }
        // Leaked an NSString buffer per call when reported; measured clean on Swift 6.3.1.
    }
}
// leaklab:end string-cstring-using-encoding

// leaklab:begin nsstring-utf8string
/// The same through NSString: `utf8String` points into a buffer nobody frees on Linux.
final class NSStringUTF8String: ScenarioWorkload {
    let header: String
    init(textBytes: Int) { header = headerValue(bytes: textBytes) }

    @available(*, deprecated, message: "reproduces corelibs-foundation #3885 on purpose")
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard let cString = NSString(string: header).utf8String else { throw CStringConversionFailed() }
        _ = logToC(cString)
    }
}
// leaklab:end nsstring-utf8string

// leaklab:begin with-cstring
/// The fix: `withCString` lends the C API a pointer for the duration of the closure.
final class WithCString: ScenarioWorkload {
    let header: String
    init(textBytes: Int) { header = headerValue(bytes: textBytes) }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        _ = header.withCString { logToC($0) }  // nothing is copied, nothing is left to free
    }
}
// leaklab:end with-cstring
