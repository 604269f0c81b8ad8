import Foundation
import LeakLabModel
import LeakLabRunner

/// The text report of one or more runs: memory curves on a shared scale, so a leaky variant and
/// its fix can be compared at a glance, and growth per iteration against the declared truth.
public enum RunTextReport {
    public static let curveMetrics: [(Metric, String)] = [(.allocated, "allocated"), (.rss, "rss"), (.fds, "fds"), (.threads, "threads"), (.tasks, "tasks")]

    /// `fullCensus`: every group of the task census with its frames (`run --tasks`).
    public static func render(_ records: [RunRecord], fullCensus: Bool = false) -> String {
        var lines: [String] = []
        var ranges: [Metric: ClosedRange<Double>] = [:]
        for (metric, _) in curveMetrics {
            let values = records.flatMap { $0.samples.compactMap { $0[metric].map(Double.init) } }
            if let low = values.min(), let high = values.max() { ranges[metric] = low...high }
        }
        for record in records {
            lines.append(contentsOf: render(record, ranges: ranges, fullCensus: fullCensus))
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    public static func render(_ record: RunRecord, ranges: [Metric: ClosedRange<Double>], fullCensus: Bool = false) -> [String] {
        var lines: [String] = []
        let active = record.allocator.active?.rawValue ?? "unknown"
        let verified = record.allocator.active == record.allocator.requested ? "verified" : "REQUESTED \(record.allocator.requested)"
        var outcome = record.outcome.rawValue
        if let detail = record.outcomeDetail { outcome += " (\(UntrustedText.clean(detail)))" }
        lines.append(
            Terminal.style(record.key, "1")
                + "  \(record.role.rawValue)  truth: \(record.truth.verdict.rawValue)  allocator: \(active) (\(verified))  \(outcome), \(String(format: "%.1f", record.wallSeconds)) s"
        )
        for (metric, name) in curveMetrics {
            let values = record.samples.compactMap { $0[metric].map(Double.init) }
            guard let first = values.first, let last = values.last else {
                let why = record.samples.isEmpty ? "no samples: the run ended before its first" : "not measured by this allocator"
                lines.append("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) (\(why))")
                continue
            }
            let curve = Sparkline.render(values, width: 48, range: ranges[metric])
            let from = metric.isBytes ? Format.bytes(first) : String(Int(first))
            let to = metric.isBytes ? Format.bytes(last) : String(Int(last))
            lines.append("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(curve)  \(from) → \(to)")
        }
        if let growth = record.growth {
            let window = growth.fromIteration.map { "per iteration from \($0) (onset)" } ?? "per workload iteration"
            lines.append("  growth \(window)   measured     declared   tolerance")
            for check in growth.comparison(
                with: record.truth, countedBy: record.allocator.active ?? record.allocator.requested, workloadIterations: record.workloadIterations)
            {
                let mark = check.withinTolerance ? Terminal.style("ok", "32") : Terminal.style("OFF", "31")
                lines.append(
                    "    \(check.metric.padding(toLength: 28, withPad: " ", startingAt: 0))\(pad(Format.rate(check.measured), 10))   \(pad(Format.rate(check.declared), 10))   ±\(Format.rate(check.tolerance).padding(toLength: 8, withPad: " ", startingAt: 0)) \(mark)"
                )
            }
            if let tasks = growth.tasks {
                let declared = pad(Format.rate(record.truth.perIteration.tasks), 10)
                lines.append("    \("tasks (audit judges)".padding(toLength: 28, withPad: " ", startingAt: 0))\(pad(Format.rate(tasks), 10))   \(declared)")
            }
            if let rss = growth.rss {
                lines.append("    \("rss (not judged)".padding(toLength: 28, withPad: " ", startingAt: 0))\(pad(Format.rate(rss), 10))")
            }
        }
        if record.truth.verdict == .bounded,
            let shape = BoundedShape.measure(record.trace, plateauFrom: record.truth.plateauIteration(inWorkloadOf: record.workloadIterations))
        {
            let verdict = shape.isBounded ? Terminal.style("bounded", "32") : Terminal.style("NOT BOUNDED", "31")
            let halves = shape.splitIteration.map { "before → after iteration \($0), the declared reachedBy" } ?? "first → second half of the workload"
            lines.append(
                "  bounded?  \(verdict): slope \(Format.rate(shape.earlySlope)) → \(Format.rate(shape.lateSlope)) B/iteration (\(halves)); the workload added \(Format.bytes(shape.workloadGrowth)), \(Format.bytes(shape.settledGrowth)) held after settle"
            )
        }
        if let census = record.census {
            lines.append(contentsOf: TaskCensusText.render(census, full: fullCensus))
        }
        if !record.unavailableMetrics.isEmpty {
            lines.append("  not available under \(active): \(record.unavailableMetrics.map(\.rawValue).joined(separator: ", "))")
        }
        // Wide enough for every name: "allocation-counter" is 18 characters.
        let nameWidth = max(16, (record.verdicts.map(\.detector.count).max() ?? 0) + 1)
        for verdict in record.verdicts {
            let said = verdict.leak.map { $0 ? "leak" : "no leak" } ?? "failed: \(verdict.failure ?? "?")"
            let right = verdict.leak.map { $0 == record.truth.verdict.isLeak ? Terminal.style("right", "32") : Terminal.style("WRONG", "31") } ?? ""
            let rate = verdict.ratePerIteration.map { "  ~\(Format.rate($0)) B/iter" } ?? ""
            // padding(toLength:) cuts longer text: a failure's reason must survive whole.
            let column = said.count < 8 ? said.padding(toLength: 8, withPad: " ", startingAt: 0) : said
            lines.append("  detector \(verdict.detector.padding(toLength: nameWidth, withPad: " ", startingAt: 0)) \(column) \(right)\(rate)")
        }
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
