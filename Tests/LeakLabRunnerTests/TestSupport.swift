import Foundation
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// Where the built lab is: the test binary sits in the same products directory as
/// `leaklab`, `leaklab-host` and the scenario plugins (Scripts/test builds them first).
enum Built {
    static var productsDirectory: String { Paths.executableDirectory }

    static var runner: Runner { Runner(hostExecutable: "\(productsDirectory)/leaklab-host") }

    static func catalog(extra: [String] = []) throws -> PluginCatalog {
        try PluginCatalog(defaultDirectory: productsDirectory, userDirectories: extra)
    }

    static func entry(_ scenario: String) throws -> PluginCatalog.Entry {
        try catalog().entry(for: scenario)
    }

    /// A plan for `scenario/variant` with small, fast defaults and exact jemalloc accounting.
    static func plan(
        _ scenario: String, _ variant: String, allocator: AllocatorName = .jemalloc,
        iterations: Int = 2_000, warmUp: Int = 200, budgets: Budgets = .default
    ) throws -> RunPlan {
        let entry = try entry(scenario)
        guard let chosen = entry.scenario.variant(named: variant) else {
            throw RunnerError.usage("no variant \(variant)")
        }
        return RunPlan(
            entry: entry, variant: chosen, allocator: allocator, warmUpIterations: warmUp,
            workloadIterations: iterations, budgets: budgets,
            mallocConf: allocator == .jemalloc ? AllocatorConfiguration.exactJemallocConf : nil, settleMillis: 100)
    }
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "leaklab-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Compiles C source into a shared library in this directory with the system C compiler.
    func compileSharedLibrary(named name: String, source: String) throws -> String {
        let sourcePath = "\(path)/\(name).c"
        let libraryPath = "\(path)/\(name)"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-o", libraryPath, sourcePath]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw RunnerError.internalFailure("cc failed for \(name)") }
        return libraryPath
    }
}
