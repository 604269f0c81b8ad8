import Foundation
import LeakLabModel

/// The environment a child starts with: the runner's own, with the chosen allocator preloaded.
///
/// Other preloads the user had are kept (like package-benchmark does); any allocator library
/// among them is dropped, so the one asked for is the one that serves malloc. Allocator options
/// (``AllocatorOptions/Settings``) are added after what the user had, so they win.
///
/// Exact accounting: an allocator's ``AllocatorOptionTable/exactCountEntries`` (glibc's
/// `glibc.malloc.tcache_count=0`, see ``AllocatorTraits/glibc``) come before the options in the
/// variable they belong to, so an option that sets the same entry wins.
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
        let table = allocator.traits.options
        if case .listed(let variable, _, _, let joinedBy) = table.delivery {
            // jemalloc's MALLOC_CONF and glibc's tunables are read left to right: the later entry wins.
            let entries = table.exactCountEntries + (options.listed[variable] ?? [])
            if !entries.isEmpty {
                environment[variable] = ([environment[variable]].compactMap { $0 }.filter { !$0.isEmpty } + entries).joined(separator: joinedBy)
            }
        }
        environment.merge(options.variables) { $1 }
        environment[ChildChannel.environmentKey] = String(ChildChannel.fileDescriptor)
        return environment
    }

    /// Whether a user's preload is an allocator library (the C library, glibc's allocator, is
    /// never preloaded and never dropped).
    static func isAllocatorLibrary(_ path: String) -> Bool {
        AllocatorName(library: path).map { !$0.traits.libraryFileNames.isEmpty } ?? false
    }
}
