import Foundation
import LeakLabModel

/// The task census in the `run` text report, like a Go goroutine profile: tasks grouped by state
/// and by where they wait, largest group first.
public enum TaskCensusText {
    /// Groups shown unless `--tasks` asks for all of them with their frames.
    public static let summaryGroups = 3

    /// `full`: every group, with every resume point (innermost first); else the largest groups,
    /// one line each.
    public static func render(_ census: TaskCensus, full: Bool) -> [String] {
        let states = TaskCensus.State.allCases.compactMap { state -> String? in
            let count = census.groups.filter { $0.state == state }.reduce(0) { $0 + $1.count }
            return count > 0 ? "\(count) \(state.rawValue)" : nil
        }.joined(separator: ", ")
        var head = "  tasks at end of settle: \(census.tasks) live"
        if !states.isEmpty { head += " (\(states))" }
        if census.completed > 0 { head += ", \(census.completed) completed but still referenced" }
        if census.ungrouped > 0 { head += ", \(census.ungrouped) not grouped" }
        head += String(format: "; census %.1f ms", census.millis)
        var lines = [head]
        let shown = full ? census.groups : Array(census.groups.prefix(summaryGroups))
        for group in shown {
            let count = String(group.count)
            let place = UntrustedText.clean(group.waitsIn ?? "(unnamed)")
            lines.append(
                "    \(String(repeating: " ", count: max(0, 7 - count.count)))\(count)  \(group.stateText.padding(toLength: 21, withPad: " ", startingAt: 0)) waits in \(place)"
            )
            if let creator = group.creator, full {
                lines.append("             created in \(UntrustedText.clean(creator))")
            }
            if full {
                // Thunks and forwarders demangle to their function's name: show it once.
                for (index, frame) in group.frames.enumerated()
                where index == 0 || frame.function == nil || frame.function != group.frames[index - 1].function {
                    let module =
                        frame.module >= 0 && frame.module < census.modules.count
                        ? (census.modules[frame.module] as NSString).lastPathComponent : "?"
                    let name = frame.function.map(UntrustedText.clean) ?? String(format: "0x%llx", UInt64(frame.offset))
                    lines.append("             \(name)  [\(module)]")
                }
            }
        }
        if !full, census.groups.count > shown.count {
            lines.append("    … \(census.groups.count - shown.count) more groups (run … --tasks shows every group and its frames)")
        }
        return lines
    }
}
