import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// The text report of `compare-allocators`: per variant, a row per allocator and a verdict grid
/// per detector; then what each allocator gives back, and a legend saying where each figure
/// comes from.
extension AllocatorComparison {
    static let columns: [(String, Int)] = [
        ("allocator", 10), ("active", 12), ("alloc/it", 14), ("rss/it", 10), ("peak RSS", 11),
        ("settle−base", 12), ("given back", 22), ("frag", 15), ("fds/it", 8), ("thr/it", 7),
    ]

    func renderTable() -> String {
        var lines: [String] = []
        for variant in variants {
            lines.append(contentsOf: Self.render(variant))
            lines.append("")
        }
        lines.append(contentsOf: summary())
        lines.append("")
        lines.append(contentsOf: Self.legend)
        return lines.joined(separator: "\n")
    }

    static func render(_ variant: VariantComparison) -> [String] {
        let truth = variant.truth
        var head = "\(variant.key)  \(variant.role.rawValue)  truth: \(truth.verdict.rawValue)"
        if truth.verdict == .leak {
            let parts = [(" B", truth.perIteration.bytes), (" fd", truth.perIteration.fds), (" thread", truth.perIteration.threads)]
                .filter { $0.1 != 0 }.map { "\(Format.rate($0.1))\($0.0)" }
            if !parts.isEmpty { head += " (\(parts.joined(separator: ", ")) per iteration)" }
        }
        var lines = [Terminal.style(head, "1")]
        lines.append("  " + columns.map { cell($0.0, $0.1) }.joined())
        for run in variant.runs {
            lines.append("  " + row(run).enumerated().map { cell($1, columns[$0].1) }.joined()
                + (run.outcome == .completed ? "" : Terminal.style("  \(run.outcome.rawValue)", "31")))
        }
        for difference in variant.resourceDifferences {
            lines.append("  " + Terminal.style("! \(difference)", "31"))
        }
        guard !variant.detectors.isEmpty else { return lines }
        lines.append("  " + cell("detector", 16) + variant.runs.map { cell($0.allocator.requested.rawValue, 11) }.joined())
        for detector in variant.detectors {
            let text = "  " + cell(detector.detector, 16) + detector.cells.map { cell(verdictText($0), 11) }.joined()
            lines.append(detector.changesWithAllocator ? Terminal.style(text + "← changes with the allocator", "33") : text)
        }
        return lines
    }

    static func row(_ run: AllocatorRun) -> [String] {
        let requested = run.allocator.requested
        let active = run.allocator.active.map { $0 == requested ? "\($0) ✓" : "\($0) ✗!" } ?? "unknown ✗!"
        // RSS that rose during settle is shown as such, not as a negative amount given back.
        let givenBack = run.givenBack.map { bytes in
            bytes < 0 ? "none, rose \(Format.bytes(-bytes))"
                : Format.bytes(bytes) + (run.givenBackFraction.map { String(format: " (%.0f%%)", $0 * 100) } ?? "")
        }
        let fragmentation = run.fragmentation.map { value in
            String(format: "%.2f ", value) + (run.fragmentationBasis == "resident/allocated" ? "resident" : "rss")
        }
        return [
            requested.rawValue, active,
            run.allocatedPerIteration.map(signedBytes) ?? "not measured",
            run.rssPerIteration.map(signedBytes) ?? "-",
            run.peakRSS.map { Format.bytes($0) } ?? "-",
            run.settleAboveBaseline.map { signedBytes(Double($0)) } ?? "-",
            givenBack ?? "-",
            fragmentation ?? "not measured",
            run.fdsPerIteration.map { String(format: "%+.2f", $0) } ?? "-",
            run.threadsPerIteration.map { String(format: "%+.2f", $0) } ?? "-",
        ]
    }

    /// `leak tp`, `no fn`, `failed`.
    static func verdictText(_ cell: DetectorAcrossAllocators.Cell) -> String {
        guard let leak = cell.leak else { return "failed" }
        return (leak ? "leak " : "no ") + cell.outcome.rawValue
    }

    func summary() -> [String] {
        var lines = ["Given back after settle: median share of the workload's RSS growth, over variants whose RSS grew ≥ \(Format.bytes(AllocatorRun.minimumGrowthToJudge))"]
        let all = variants.flatMap(\.runs)
        var parts: [String] = []
        for allocator in allocators {
            let fractions = all.filter { $0.allocator.requested == allocator }.compactMap(\.givenBackFraction)
            let median = RobustStatistics.median(fractions).map { String(format: "%.0f%%", $0 * 100) } ?? "-"
            parts.append("\(allocator) \(median) (n=\(fractions.count))")
        }
        lines.append("  " + parts.joined(separator: "   "))
        var changes: [String: Int] = [:]
        for variant in variants { for detector in variant.detectors where detector.changesWithAllocator { changes[detector.detector, default: 0] += 1 } }
        let changed = changes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("Verdicts that change with the allocator: \(changes.values.reduce(0, +))\(changed.isEmpty ? "" : " (\(changed))")")
        let differences = variants.flatMap(\.resourceDifferences).count
        lines.append("fds/threads growth equal under every allocator: \(differences == 0 ? "yes" : Terminal.style("NO, \(differences) difference(s) (marked !)", "31"))")
        if allocatorMismatches.isEmpty {
            lines.append("Allocator check: all \(runs.count) runs verified (active = requested)")
        } else {
            lines.append(Terminal.style("Allocator check FAILED for \(allocatorMismatches.count) run(s):", "31"))
            lines.append(contentsOf: allocatorMismatches.map { "  " + Terminal.style($0, "31") })
        }
        return lines
    }

    static let legend = [
        "Where each figure comes from:",
        "  alloc/it     heap growth per workload iteration as the allocator counts it (Theil–Sen slope of `allocated`):",
        "               jemalloc mallctl stats.allocated; glibc mallinfo2 uordblks+hblkhd; tcmalloc",
        "               MallocExtension generic.current_allocated_bytes; mimalloc: not measured (no byte counter).",
        "  rss/it       the same slope of RSS from /proc: what a dashboard shows.",
        "  peak RSS     the child's VmHWM (/proc), else the highest RSS sampled.",
        "  settle−base  RSS after settle − RSS at the end of warm-up: what the process kept.",
        "  given back   RSS at the end of the workload − RSS after settle, with its share of the workload's RSS",
        "               growth when that grew ≥ \(Format.bytes(AllocatorRun.minimumGrowthToJudge)); 'none, rose' when RSS grew during settle.",
        "  frag         at the end of the workload: jemalloc stats.resident ÷ stats.allocated ('resident');",
        "               others RSS ÷ allocated ('rss'): RSS counts the whole process (code, stacks, the runtime),",
        "               so it reads high while the heap is small; compare it across variants, not with jemalloc's.",
        "  fds/it, thr/it  /proc/self/fd and /proc/self/stat; the allocator must not change them.",
        "  detectors    tp/fp/fn/tn against the variant's truth; 'failed' when a metric it needs is absent.",
    ]

    private static func signedBytes(_ value: Double) -> String {
        (value > 0 ? "+" : "") + (abs(value) < 100 ? String(format: "%.1f B", value) : Format.bytes(value))
    }

    private static func cell(_ text: String, _ width: Int) -> String {
        let fitted = text.count >= width ? String(text.prefix(width - 1)) : text
        return fitted.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
