import Foundation
import LeakLabModel

/// The environment a child starts with: the runner's own, with the chosen allocator preloaded.
///
/// Other preloads the user had are kept (like package-benchmark does); any allocator library
/// among them is dropped, so the one asked for is the one that serves malloc.
enum ChildEnvironment {
    static func make(
        allocator: AllocatorName, mallocConf: String?,
        base: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RunnerError) -> [String: String] {
        var environment = base
        let userPreloads = (base["LD_PRELOAD"] ?? "").split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init)
        let kept = userPreloads.filter { !isAllocatorLibrary($0) }
        let preload = try AllocatorLibrary.locate(allocator).map { [$0] } ?? []
        let all = preload + kept
        environment["LD_PRELOAD"] = all.isEmpty ? nil : all.joined(separator: ":")
        if let mallocConf { environment["MALLOC_CONF"] = mallocConf }
        environment[ChildChannel.environmentKey] = String(ChildChannel.fileDescriptor)
        return environment
    }

    static func isAllocatorLibrary(_ path: String) -> Bool {
        ["jemalloc", "mimalloc", "tcmalloc"].contains { path.contains($0) }
    }
}
