import ArgumentParser
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabRunner

extension AllocatorName: ExpressibleByArgument {}

/// How to run one variant at a time: allocator, run shape, budgets, allocator settings. Shared by
/// `run` and `audit`.
struct RunOptions: ParsableArguments {
    @Option(help: "Allocator for the child: \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var allocator: AllocatorName = .jemalloc

    @OptionGroup var shape: RunShapeOptions
    @OptionGroup var budgetOptions: BudgetOptions

    @Option(
        help: ArgumentHelp(
            "MALLOC_CONF for jemalloc children (default '\(AllocatorConfiguration.exactJemallocConf)': exact counts, as the declared truth was measured; '' for jemalloc's own defaults).",
            valueName: "conf"))
    var mallocConf: String?

    @Option(
        name: .customLong("allocator-option"),
        help: ArgumentHelp(
            "A release-policy option for the allocator (repeatable): dirty_decay_ms=0, tcache=false (jemalloc); trim_threshold=0, trim-at-settle=true (glibc); release_rate=10 (tcmalloc). See docs/allocators.md.",
            valueName: "k=v"))
    var allocatorOptions: [String] = []

    func validate() throws {
        do { try AllocatorOptions(parsing: allocatorOptions).validate(for: [allocator]) } catch {
            throw ValidationError(error.description)
        }
    }

    func budgets() throws -> Budgets { try budgetOptions.budgets() }

    /// `--malloc-conf` for jemalloc runs: the thread cache is off unless the user says otherwise,
    /// because with it on `allocated` swings by a few hundred KiB as per-thread caches fill.
    var effectiveMallocConf: String? {
        guard allocator == .jemalloc else { return mallocConf.flatMap { $0.isEmpty ? nil : $0 } }
        let conf = mallocConf ?? AllocatorConfiguration.exactJemallocConf
        return conf.isEmpty ? nil : conf
    }

    /// A plan for one variant with these options.
    func plan(_ entry: PluginCatalog.Entry, _ variant: LeakLabKit.Variant, mallocConf override: String? = nil) throws -> RunPlan {
        RunPlan(
            entry: entry, variant: variant, allocator: allocator, warmUpIterations: shape.warmUp,
            workloadIterations: shape.iterations, parameterOverrides: try shape.parsedParameters(),
            budgets: try budgets(), mallocConf: override ?? effectiveMallocConf, settleMillis: shape.settleMillis,
            allocatorOptions: try AllocatorOptions(parsing: allocatorOptions).entries)
    }
}
