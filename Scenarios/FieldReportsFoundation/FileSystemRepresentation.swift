import FieldReportsSupport
import Foundation
import LeakLabKit

/// swift-corelibs-foundation #2114: on Linux `FileManager.fileSystemRepresentation(withPath:)`
/// returns a heap copy the caller must deallocate; code written for Darwin never does.
let fileSystemRepresentationScenario = Scenario(
    id: "field-filesystem-representation",
    title: "fileSystemRepresentation(withPath:) returns a copy nobody frees on Linux (corelibs-foundation #2114)",
    pattern: .unmanagedMemory,
    summary: """
        A file watcher turns each path into its file-system representation to call `stat(2)`. On \
        Darwin the returned pointer is autoreleased; on Linux it is a fresh heap copy the caller \
        must `deallocate()`. The maintainers said so when NSString.fileSystemRepresentation was \
        implemented the same way (corelibs-foundation #2114, 2019), and proposed a closure API \
        instead. Still leaks on Swift 6.3.1.
        """,
    training: Training(
        symptoms: """
            What users saw: a path-heavy loop that is flat on macOS grows on Linux. Here: heap bytes \
            and live allocations grow by one C string per call (the path, its NUL, rounded up to a \
            size class); fds and threads stay flat.
            """,
        detection: """
            Root cause: the API returns `UnsafePointer<CChar>` whose owner is the caller on Linux, \
            with nothing in the type to say so. Nothing references the copy after the call: valgrind \
            reports it definitely lost, LeakSanitizer reports it, allocated inside Foundation; \
            allocation trends see the slope.
            """,
        fix: """
            Use the scoped form, `FileManager.withFileSystemRepresentation(for:_:)`, which lends the \
            pointer for a closure and frees it after (the fix the reviewers asked for); or call \
            `deallocate()` on the pointer when done, on Linux only, which Darwin code cannot share.
            """,
        mirrors: "Go: a C string handed back by cgo that only the caller can free."),
    parameters: [
        .integer("path-bytes", default: 120, range: 8...4_000, help: "bytes of each path converted")
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "representation-never-deallocated", role: .leaky,
            summary: "`fileSystemRepresentation(withPath:)` per path, the pointer dropped as on Darwin",
            truth: .leak(
                .heap(.unreachable, bytes: 128, requested: 119, objects: 1),
                note: """
                    Measured 128 B and 1 allocation per path (release build, jemalloc with tcache \
                    off): the path (118 bytes at the workload's indices) and its NUL in jemalloc's \
                    128 B size class. Unreachable once the pointer is dropped.
                    """),
            source: SourceLocation(region: "representation-never-deallocated"),
            makeWorkload: { RepresentationNeverDeallocated(pathBytes: $0.integer("path-bytes")) }),
        Variant(
            name: "with-representation", role: .fixed,
            summary: "`withFileSystemRepresentation(for:)`: the pointer is lent for the closure and freed after",
            truth: .clean(note: "Measured 0 B and 0 allocations per path: the copy is freed when the closure returns."),
            source: SourceLocation(region: "with-representation"),
            makeWorkload: { WithRepresentation(pathBytes: $0.integer("path-bytes")) }),
    ],
    references: [
        Reference(
            url: "https://github.com/swiftlang/swift-corelibs-foundation/pull/2114",
            title: "NSPathUtilities: Implement NSString.fileSystemRepresentation", date: "2019-04-14")
    ])

/// A path of about `bytes` bytes under /tmp that does not exist: `stat` fails fast, nothing is created.
func watchedPath(bytes: Int, index: Int) -> String {
    let stem = "/tmp/leaklab-field-watch/"
    return stem + String(repeating: "d", count: max(1, bytes - stem.utf8.count - 6)) + String(index % 100_000)
}

/// What the watcher does with the representation: one `stat(2)`.
@inline(never)
func statExists(_ path: UnsafePointer<CChar>?) -> Bool {
    guard let path else { return false }
    var info = stat()
    return stat(path, &info) == 0
}

// leaklab:begin representation-never-deallocated
/// Checks each watched path with stat(2), converting it as Darwin code does.
final class RepresentationNeverDeallocated: ScenarioWorkload {
    let pathBytes: Int
    init(pathBytes: Int) { self.pathBytes = pathBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let path = watchedPath(bytes: pathBytes, index: index)
        let representation = FileManager.default.fileSystemRepresentation(withPath: path)
        _ = statExists(representation)
        // On Linux the pointer owns a heap copy: without deallocate() it is lost here.
    }
}
// leaklab:end representation-never-deallocated

// leaklab:begin with-representation
/// The same check with the scoped API: the copy lives for the closure only.
final class WithRepresentation: ScenarioWorkload {
    let pathBytes: Int
    init(pathBytes: Int) { self.pathBytes = pathBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let path = watchedPath(bytes: pathBytes, index: index)
        _ = FileManager.default.withFileSystemRepresentation(for: path) { statExists($0) }
    }
}
// leaklab:end with-representation
