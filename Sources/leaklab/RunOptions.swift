import ArgumentParser
import LeakLabModel
import LeakLabRunner

extension AllocatorName: ExpressibleByArgument {}

/// How to run variants: allocator, iterations, parameters, budgets. Shared by `run`, `audit`
/// and `validate`.
struct RunOptions: ParsableArguments {
    @Option(help: "Allocator for the child: \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var allocator: AllocatorName = .jemalloc

    @Option(help: "Workload iterations (default: the scenario's).")
    var iterations: Int?

    @Option(name: .customLong("warm-up"), help: "Warm-up iterations, not measured (default: the scenario's).")
    var warmUp: Int?

    @Option(name: .customLong("param"), help: ArgumentHelp("A scenario parameter (repeatable); `leaklab list` shows each scenario's.", valueName: "k=v"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("Memory budget per child: RSS above it stops the run (e.g. 512MiB, 2GiB).", valueName: "size"))
    var memoryBudget: String = "2GiB"

    @Option(help: "Open-files budget per child (RLIMIT_NOFILE).")
    var fdBudget: Int = Budgets.default.openFiles

    @Option(help: ArgumentHelp("Wall-time budget per child, seconds.", valueName: "seconds"))
    var timeBudget: Double = Budgets.default.wallSeconds

    @Option(help: ArgumentHelp("MALLOC_CONF for jemalloc children (default 'tcache:false': exact counts, as the declared truth was measured; '' for jemalloc's own defaults).", valueName: "conf"))
    var mallocConf: String?

    @Option(name: .customLong("settle-ms"), help: "The longest the settle phase lasts, milliseconds: it ends sooner (after at least 20 ms) once the heap, fds and threads have stopped changing.")
    var settleMillis: Int = 300

    @Option(name: .customLong("allocator-option"), help: ArgumentHelp("A release-policy option for the allocator (repeatable): dirty_decay_ms=0, tcache=false (jemalloc); trim_threshold=0, trim-at-settle=true (glibc); release_rate=10 (tcmalloc). See docs/allocators.md.", valueName: "k=v"))
    var allocatorOptions: [String] = []

    func validate() throws {
        _ = try parsedParameters()
        _ = try budgets()
        if let iterations, iterations < 2 { throw ValidationError("--iterations must be at least 2 (got \(iterations))") }
        if let warmUp, warmUp < 0 { throw ValidationError("--warm-up must be 0 or more (got \(warmUp))") }
        if settleMillis < 0 { throw ValidationError("--settle-ms must be 0 or more") }
        do { try AllocatorOptions(parsing: allocatorOptions).validate(for: [allocator]) } catch {
            throw ValidationError(error.description)
        }
    }

    /// `--param k=v` as a dictionary.
    func parsedParameters() throws -> [String: String] {
        try Self.parseParameters(parameters)
    }

    /// `--param k=v` items as a dictionary; shared by every command that takes `--param`.
    static func parseParameters(_ items: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("--param expects k=v, got '\(item)'")
            }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }

    func budgets() throws -> Budgets {
        guard let memory = ByteSize.parse(memoryBudget), memory > 0 else {
            throw ValidationError("--memory-budget: '\(memoryBudget)' is not a size such as 512MiB or 2GiB")
        }
        guard fdBudget >= 16 else { throw ValidationError("--fd-budget must be at least 16 (got \(fdBudget))") }
        guard timeBudget > 0 else { throw ValidationError("--time-budget must be positive") }
        return Budgets(memoryBytes: memory, openFiles: fdBudget, wallSeconds: timeBudget)
    }

    /// `--malloc-conf` for jemalloc runs: the thread cache is off unless the user says otherwise,
    /// because with it on `allocated` swings by a few hundred KiB as per-thread caches fill.
    var effectiveMallocConf: String? {
        guard allocator == .jemalloc else { return mallocConf.flatMap { $0.isEmpty ? nil : $0 } }
        let conf = mallocConf ?? "tcache:false"
        return conf.isEmpty ? nil : conf
    }

    /// A plan for one variant with these options.
    func plan(_ entry: PluginCatalog.Entry, _ variant: LeakLabKit.Variant, mallocConf override: String? = nil) throws -> RunPlan {
        RunPlan(
            entry: entry, variant: variant, allocator: allocator, warmUpIterations: warmUp,
            workloadIterations: iterations, parameterOverrides: try parsedParameters(),
            budgets: try budgets(), mallocConf: override ?? effectiveMallocConf, settleMillis: settleMillis,
            allocatorOptions: try AllocatorOptions(parsing: allocatorOptions).entries)
    }
}

import LeakLabKit

/// Sizes such as `512MiB`, `2GiB`, `1G`, `4096`.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        let units: [(String, Int)] = [("gib", 1 << 30), ("gb", 1 << 30), ("g", 1 << 30), ("mib", 1 << 20), ("mb", 1 << 20), ("m", 1 << 20), ("kib", 1 << 10), ("kb", 1 << 10), ("k", 1 << 10), ("b", 1)]
        for (suffix, scale) in units where lowered.hasSuffix(suffix) {
            guard let value = Double(lowered.dropLast(suffix.count)) else { return nil }
            return Int(value * Double(scale))
        }
        return Int(lowered)
    }
}
