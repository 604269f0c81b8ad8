import ArgumentParser
import LeakLabReports
import LeakLabRunner

/// Where plugins come from; shared by every command that loads them.
struct PluginOptions: ParsableArguments {
    @Option(name: .customLong("plugins"), help: ArgumentHelp("Also load plugins from DIR (repeatable).", valueName: "DIR"))
    var directories: [String] = []

    @Flag(help: "Do not load the plugins built with the lab (only --plugins and LEAKLAB_PLUGIN_PATH).")
    var noBuiltInPlugins = false

    /// Loads the catalogue; refused files are reported on stderr and do not stop the others.
    ///
    /// - Parameter startsRuns: the command goes on to run variants in children; the kernel's
    ///   cgroup move lock is readied while the plugins load (``RunCgroupMoveLock``), so the first
    ///   child does not wait for it. False touches no cgroup (`list`, `explain` without runs).
    func loadCatalog(warn: Bool = true, startsRuns: Bool = false) throws -> PluginCatalog {
        if startsRuns { RunCgroupMoveLock.keepReady(forSeconds: 1) }
        let catalog = try PluginCatalog(
            defaultDirectory: noBuiltInPlugins ? nil : Paths.executableDirectory,
            userDirectories: directories + PluginCatalog.environmentDirectories())
        if warn {
            for refusal in catalog.refused {
                Terminal.warn("plugin refused: \(refusal.path): \(refusal.reason)")
            }
        }
        return catalog
    }
}
