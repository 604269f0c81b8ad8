import ArgumentParser
import Foundation
import LeakLabReports
import LeakLabRunner

/// `leaklab explain`: the training text of a scenario, its variants' truth, and their real code.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a scenario: the pattern, how it shows, how to find it, the fix, and the leaky and fixed code.",
        discussion: """
            Shows the scenario's training text, which tools see each variant's leak and which cannot \
            (reachable vs unreachable memory, fds, threads, look-alikes), every variant's declared \
            truth, and the variants' real code, read from the plugin's source files: each leaky \
            variant beside its fix when the terminal is wide enough (COLUMNS, else 160 columns), \
            then the decoys. A plugin built elsewhere has no source here; explain says so.
            """)

    @Argument(help: ArgumentHelp("The scenario, or scenario/variant (see `leaklab list`).", valueName: "scenario[/variant]"))
    var target: String

    @Option(help: ArgumentHelp("Only this variant.", valueName: "name"))
    var variant: String?

    @Flag(inversion: .prefixedNo, help: "Leaky and fixed code in two columns when the terminal is wide enough.")
    var sideBySide = true

    @Flag(help: "Print JSON (schema leaklab.explain/1) instead of text.")
    var json = false

    @OptionGroup var plugins: PluginOptions

    @Flag(
        help:
            "Also run each leaky variant under jemalloc's leak profiler and show which Swift functions allocated the bytes it leaks (a few seconds per variant)."
    )
    var attribute = false

    func run() throws {
        let catalog = try plugins.loadCatalog(startsRuns: attribute)
        let (entry, variants) = try Selection.resolve(target, in: catalog)
        var only = target.contains("/") ? variants.first?.name : nil
        if let variant {
            guard entry.scenario.variant(named: variant) != nil else {
                let names = entry.scenario.variants.map(\.name).joined(separator: ", ")
                throw RunnerError.usage("scenario '\(entry.scenario.id)' has no variant '\(variant)'; its variants: \(names)")
            }
            if let only, only != variant {
                throw RunnerError.usage("--variant \(variant) contradicts \(target): name the variant once")
            }
            only = variant
        }
        let explanation = Explanation(entry, only: only)
        if json {
            print(try JSONOutput.string(explanation))
        } else {
            print(ExplanationText.render(explanation, width: Self.terminalWidth(), sideBySide: sideBySide))
        }
        if attribute {
            let runner = Runner.besideCurrentExecutable()
            for variant in entry.scenario.variants where variant.truth.verdict == .leak && (only == nil || only == variant.name) {
                print(try Attribution.render(RunPlan(entry: entry, variant: variant, allocator: .jemalloc), runner: runner))
            }
        }
    }

    /// The width to lay text out for: `COLUMNS` when it is a sensible number, else 160.
    static func terminalWidth(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let text = environment["COLUMNS"], let columns = Int(text), (20...1_000).contains(columns) else { return 160 }
        return columns
    }
}
