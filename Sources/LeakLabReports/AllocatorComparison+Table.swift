import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// The text report of `compare-allocators`: per variant, a row per configuration and a verdict
/// grid per detector; then what each configuration gives back, notes, and a legend saying where
/// each figure comes from.
extension AllocatorComparison {
    public static let columns: [(String, Int)] = [
        ("config", 19), ("active", 12), ("alloc/it", 24), ("rss/it", 22), ("peak RSS", 11),
        ("after settle", 13), ("given back", 22), ("took", 8), ("frag start→end", 18), ("fds/it", 8), ("thr/it", 7),
    ]

    public func renderTable() -> String {
        var lines: [String] = []
        for variant in variants {
            lines.append(contentsOf: Self.render(variant))
            lines.append("")
        }
        lines.append(contentsOf: summary())
        lines.append("")
        lines.append(contentsOf: notes.map { "Note: \($0)" })
        if !notes.isEmpty { lines.append("") }
        lines.append(contentsOf: Self.legend)
        return lines.joined(separator: "\n")
    }

    public static func render(_ variant: VariantComparison) -> [String] {
        let truth = variant.truth
        var head = "\(variant.key)  \(variant.role.rawValue)  truth: \(truth.verdict.rawValue)"
        if truth.verdict != .bounded {
            let parts = [
                (" B", truth.perIteration.bytes, truth.tolerance.bytes), (" fd", truth.perIteration.fds, 0), (" thread", truth.perIteration.threads, 0),
            ]
            .filter { $0.1 != 0 || $0.0 == " B" }.map { "\(Format.rate($0.1))\($0.2 > 0 ? " ± " + Format.rate($0.2) : "")\($0.0)" }
            if !parts.isEmpty { head += " (\(parts.joined(separator: ", ")) per iteration)" }
        }
        var lines = [Terminal.style(head, "1")]
        // Each column as wide as its longest cell and a gap: nothing is cut (a long --config name,
        // a KiB-scale range with its ✓).
        let cells = variant.rows.map(Self.row)
        let widths = columns.enumerated().map { index, column in max(column.1, (cells.map { $0[index].count }.max() ?? 0) + 2) }
        lines.append("  " + columns.enumerated().map { cell($1.0, widths[$0]) }.joined())
        for (row, texts) in zip(variant.rows, cells) {
            lines.append(
                "  " + texts.enumerated().map { cell($1, widths[$0]) }.joined()
                    + (row.outcome == .completed ? "" : Terminal.style("  \(row.outcome.rawValue)", "31")))
        }
        for difference in variant.resourceDifferences {
            lines.append("  " + Terminal.style("! \(difference)", "31"))
        }
        guard !variant.detectors.isEmpty else { return lines }
        let width = max(11, (variant.rows.map(\.configuration.count).max() ?? 0) + 2)
        // Wide enough for every name: "allocation-counter" is 18 characters.
        let nameWidth = max(16, (variant.detectors.map(\.detector.count).max() ?? 0) + 2)
        lines.append("  " + cell("detector", nameWidth) + variant.rows.map { cell($0.configuration, width) }.joined())
        for detector in variant.detectors {
            let text = "  " + cell(detector.detector, nameWidth) + detector.cells.map { cell(verdictText($0), width) }.joined()
            lines.append(detector.changesWithConfiguration ? Terminal.style(text + "← changes with the configuration", "33") : text)
        }
        return lines
    }

    public static func row(_ row: ConfigurationRow) -> [String] {
        let requested = row.allocator.requested
        let active = row.allocator.active.map { $0 == requested ? "\($0) ✓" : "\($0) ✗!" } ?? "unknown ✗!"
        // RSS that rose during settle is shown as such, not as a negative amount given back.
        let givenBack = row.givenBack.map { bytes in
            bytes < 0
                ? "none, rose \(Format.bytes(-bytes))"
                : Format.bytes(bytes) + (row.givenBackFraction.map { String(format: " (%.0f%%)", $0 * 100) } ?? "")
        }
        let took = row.giveBackMillis.map { String(format: "%.0f ms", $0) } ?? (row.givenBack == nil ? "-" : "n/a")
        let fragmentation = row.fragmentation.map { value in
            let text = { (ratio: Double?) in ratio.map { String(format: "%.2f", $0) } ?? "-" }
            return "\(text(value.workloadStart))→\(text(value.workloadEnd)) " + (value.basis == "resident/allocated" ? "res" : "rss")
        }
        var allocated = row.allocatedPerIteration.map { spread($0) } ?? "not measured"
        if row.allocatedPerIteration != nil, !row.exactCounts { allocated = "≈" + allocated }
        if let check = row.allocatedCheck, row.exactCounts {
            allocated += check.withinTolerance ? " ✓" : " ✗"
            if let iterations = row.longerRunIterations { allocated += " @\(iterations)" }
            if row.oneOffStep != nil { allocated += " step" }
        }
        return [
            row.configuration, active, allocated,
            row.rssPerIteration.map { spread($0) } ?? "-",
            row.peakRSS.map { Format.bytes($0) } ?? "-",
            row.afterSettleRSS.map { Format.bytes($0) } ?? "-",
            givenBack ?? "-", took,
            fragmentation ?? "not measured",
            row.fdsPerIteration.map { String(format: "%+.2f", $0) } ?? "-",
            row.threadsPerIteration.map { String(format: "%+.2f", $0) } ?? "-",
        ]
    }

    /// `+358 B` for one seed; `+358 B [340…371]` over several.
    public static func spread(_ spread: Spread) -> String {
        guard spread.values.count > 1 else { return signedBytes(spread.median) }
        return "\(signedBytes(spread.median)) [\(compactBytes(spread.low))…\(compactBytes(spread.high))]"
    }

    /// `leak tp`, `no fn`, `failed`.
    public static func verdictText(_ cell: DetectorAcrossConfigurations.Cell) -> String {
        guard let leak = cell.leak else { return cell.judged == 0 ? "failed" : "split \(cell.leakVotes)/\(cell.judged)" }
        let votes = cell.judged > 1 && cell.leakVotes != 0 && cell.leakVotes != cell.judged ? " \(cell.leakVotes)/\(cell.judged)" : ""
        return (leak ? "leak " : "no ") + cell.outcome.rawValue + votes
    }

    public func summary() -> [String] {
        var lines = [
            "Given back after settle: median share of the workload's RSS growth, over variants whose RSS grew ≥ \(Format.bytes(RunFigures.minimumGrowthToJudge)); median time until RSS stopped falling"
        ]
        let all = variants.flatMap(\.rows)
        var parts: [String] = []
        for configuration in configurations {
            let rows = all.filter { $0.configuration == configuration.name }
            let fractions = rows.compactMap(\.givenBackFraction)
            let median = RobustStatistics.median(fractions).map { String(format: "%.0f%%", ($0 * 100).rounded() + 0) } ?? "-"
            let took = RobustStatistics.median(rows.compactMap(\.giveBackMillis)).map { String(format: ", %.0f ms", $0) } ?? ""
            parts.append("\(configuration.name) \(median)\(took) (n=\(fractions.count))")
        }
        lines.append("  " + parts.joined(separator: "   "))
        let misses = all.filter { $0.exactCounts && $0.allocatedCheck?.withinTolerance == false }
        let checked = all.filter { $0.exactCounts && $0.allocatedCheck != nil }
        lines.append(
            "Allocated growth within the declared tolerance of the truth: \(checked.count - misses.count) of \(checked.count) exact rows"
                + (misses.isEmpty ? "" : Terminal.style(" (✗ marks the others)", "33")))
        var changes: [String: Int] = [:]
        for variant in variants { for detector in variant.detectors where detector.changesWithConfiguration { changes[detector.detector, default: 0] += 1 } }
        let changed = changes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("Verdicts that change with the configuration: \(changes.values.reduce(0, +))\(changed.isEmpty ? "" : " (\(changed))")")
        let differences = variants.flatMap(\.resourceDifferences).count
        lines.append(
            "fds/threads growth equal under every configuration: \(differences == 0 ? "yes" : Terminal.style("NO, \(differences) difference(s) (marked !)", "31"))"
        )
        if allocatorMismatches.isEmpty {
            lines.append("Allocator check: all \(runs.count) runs verified (active = requested)")
        } else {
            lines.append(Terminal.style("Allocator check FAILED for \(allocatorMismatches.count) run(s):", "31"))
            lines.append(contentsOf: allocatorMismatches.map { "  " + Terminal.style($0, "31") })
        }
        return lines
    }

    /// Each allocator's counter behind `allocated`, from its traits.
    static var allocatedSources: String {
        AllocatorName.allCases.map { "\($0): \($0.traits.allocatedSource ?? "not measured (see the note)")" }.joined(separator: "; ")
    }

    /// Each allocator's size-class band against jemalloc's counts, from its traits.
    static var roundingBands: String {
        AllocatorName.allCases.compactMap { allocator -> String? in
            let band = allocator.traits.sizeClassBand
            guard band != .none else { return nil }
            return "\(allocator) \(Int(band.belowShare * 100))% below, \(Int(band.abovePerBlock)) B per declared block above"
        }.joined(separator: "; ")
    }

    public static var legend: [String] {
        [
            "Where each figure comes from:",
            "  config       the configuration (--config): an allocator and its release-policy options; jemalloc rows run",
            "               with MALLOC_CONF=\(AllocatorConfiguration.exactJemallocConf) (exact counts, as run/audit/validate) unless they set tcache.",
            "  alloc/it     heap growth per workload iteration as the allocator counts it (Theil–Sen slope of `allocated`),",
            "               median [lowest…highest] over --repeat seeds; ✓/✗ within the declared tolerance of the truth",
            "               (a clean variant's only above it: giving back what warm-up built is no miscount); '@N': a clean",
            "               variant above its tolerance ran once more at \(AllocatorComparison.longerRunFactor)× the iterations, and that run's growth is judged (as in audit);",
            "               'step': the growth at N was a one-off the truth declares, and what persists at \(AllocatorComparison.longerRunFactor)N is judged;",
            "               ≈ approximate (the allocator's thread cache on). Sources: \(allocatedSources).",
            "               Truths are declared as jemalloc counts bytes (its size classes); other allocators count their own",
            "               size classes (glibc: chunks with their headers), so under them a leak's tolerance widens by their",
            "               rounding: \(roundingBands).",
            "  rss/it       the same slope of RSS from /proc: what a dashboard shows.",
            "  peak RSS     the higher of the child's VmHWM (/proc, read when the runner last looked) and the highest RSS sampled.",
            "  after settle RSS at the end of settle (--settle-ms).",
            "  given back   RSS at the end of the workload − RSS after settle, with its share of the workload's RSS",
            "               growth when that grew ≥ \(Format.bytes(RunFigures.minimumGrowthToJudge)); 'none, rose' when RSS grew during settle.",
            "  took         from the start of settle until RSS stopped falling (within a tenth of what was given back),",
            "               to the resolution of the settle samples; n/a when less than \(Format.bytes(RunFigures.minimumGivenBackToTime)) was given back.",
            "  frag         at the start and end of the workload: jemalloc stats.resident ÷ stats.allocated ('res');",
            "               others RSS ÷ allocated ('rss'): RSS counts the whole process (code, stacks, the runtime),",
            "               so it reads high while the heap is small; compare it across variants, not with jemalloc's.",
            "  fds/it, thr/it  /proc/self/fd and /proc/self/stat; the allocator must not change them.",
            "  detectors    tp/fp/fn/tn against the variant's truth (the majority over seeds, with the votes when they",
            "               split); 'failed' when a metric it needs is absent.",
        ]
    }

    private static func compactBytes(_ value: Double) -> String {
        abs(value) < 1024 ? String(format: "%.0f", value) : Format.bytes(value)
    }

    private static func signedBytes(_ value: Double) -> String {
        (value > 0 ? "+" : "") + (abs(value) < 100 ? String(format: "%.1f B", value) : Format.bytes(value))
    }

    private static func cell(_ text: String, _ width: Int) -> String {
        let fitted = text.count >= width ? String(text.prefix(width - 1)) : text
        return fitted.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
