import Foundation
import LeakLabModel

/// The environment a child starts with: the runner's own, with the chosen allocator preloaded.
///
/// Other preloads the user had are kept (like package-benchmark does); any allocator library
/// among them is dropped, so the one asked for is the one that serves malloc. Allocator options
/// (``AllocatorOptions/Settings``) are added after what the user had, so they win.
///
/// Exact accounting: glibc counts the chunks parked in its per-thread tcache (up to 7 per size
/// class per thread) as in use, so a freed block may still show in `uordblks` and a clean
/// variant's allocated bytes wander by tens of bytes per iteration (seen: 38–56 B/iteration on
/// field-urlsession-delegate/session-invalidated, 0 with the tcache off). Like jemalloc's
/// `tcache:false`, every glibc child starts with `glibc.malloc.tcache_count=0`; an
/// `--allocator-option tcache_count=N` comes later in GLIBC_TUNABLES and wins.
enum ChildEnvironment {
    /// The tunable that turns glibc's per-thread cache off, for exact counts.
    static let exactGlibcTunable = "glibc.malloc.tcache_count=0"

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
        let exact = allocator == .glibc ? [exactGlibcTunable] : []
        if !options.glibcTunables.isEmpty || !exact.isEmpty {
            // glibc applies tunables left to right; the later entry of a name wins.
            environment["GLIBC_TUNABLES"] = ([environment["GLIBC_TUNABLES"]].compactMap { $0 }.filter { !$0.isEmpty } + exact + options.glibcTunables)
                .joined(separator: ":")
        }
        environment.merge(options.variables) { $1 }
        environment[ChildChannel.environmentKey] = String(ChildChannel.fileDescriptor)
        return environment
    }

    /// Whether a user's preload is an allocator library (glibc's is never preloaded).
    static func isAllocatorLibrary(_ path: String) -> Bool {
        AllocatorName(library: path).map { $0 != .glibc } ?? false
    }
}
