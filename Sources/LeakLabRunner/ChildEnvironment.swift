import Foundation
import LeakLabModel

/// The environment a child starts with: the runner's own, with the chosen allocator preloaded.
///
/// Other preloads the user had are kept (like package-benchmark does); any allocator library
/// among them is dropped, so the one asked for is the one that serves malloc. Allocator options
/// (``AllocatorOptions/Settings``) are added after what the user had, so they win.
enum ChildEnvironment {
    static func make(
        allocator: AllocatorName, mallocConf: String?, options: AllocatorOptions.Settings = .init(),
        base: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RunnerError) -> [String: String] {
        var environment = base
        let userPreloads = (base["LD_PRELOAD"] ?? "").split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init)
        let kept = userPreloads.filter { !isAllocatorLibrary($0) }
        let preload = try AllocatorLibrary.locate(allocator).map { [$0] } ?? []
        let all = preload + kept
        environment["LD_PRELOAD"] = all.isEmpty ? nil : all.joined(separator: ":")
        if let mallocConf { environment["MALLOC_CONF"] = mallocConf }
        if !options.mallocConf.isEmpty {
            // jemalloc reads MALLOC_CONF left to right; the later entry of a key wins.
            environment["MALLOC_CONF"] = ([environment["MALLOC_CONF"]].compactMap { $0 }.filter { !$0.isEmpty } + options.mallocConf)
                .joined(separator: ",")
        }
        if !options.glibcTunables.isEmpty {
            environment["GLIBC_TUNABLES"] = ([environment["GLIBC_TUNABLES"]].compactMap { $0 }.filter { !$0.isEmpty } + options.glibcTunables)
                .joined(separator: ":")
        }
        environment.merge(options.variables) { $1 }
        environment[ChildChannel.environmentKey] = String(ChildChannel.fileDescriptor)
        return environment
    }

    static func isAllocatorLibrary(_ path: String) -> Bool {
        ["jemalloc", "mimalloc", "tcmalloc"].contains { path.contains($0) }
    }
}
