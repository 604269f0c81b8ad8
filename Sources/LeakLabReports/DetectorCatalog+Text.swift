import LeakLabKit
import LeakLabModel

/// `leaklab detectors`: every detector of the catalogue with what it looks at, what it can see and
/// where it is known to fail; the tools after the built-ins; how to bring your own.
public enum DetectorCatalogText {
    public static func render(_ detectors: [any Detecting]) -> String {
        var lines: [String] = []
        func add(_ detector: any Detecting) {
            lines.append(Terminal.style(detector.name, "1"))
            lines += ExplanationText.wrap(detector.summary, width: 96, indent: "  ")
            var sees = "sees: " + seesText(detector.sees)
            if detector.fooledByPlateaus { sees += "; a bounded look-alike may fool it" }
            lines += ExplanationText.wrap(sees, width: 96, indent: "  ")
            lines.append("")
        }
        for detector in detectors where detector.kind == .trace { add(detector) }
        lines.append(Terminal.style("Tools (name them in --detectors; each runs the variant again under the tool)", "1"))
        for detector in detectors where detector.kind == .tool { add(detector) }
        lines.append("Your own: --detector-cmd CMD runs a program that reads a trace as JSON on stdin and prints")
        lines.append("{\"leak\": true|false, \"ratePerIteration\": …, \"confidence\": …, \"firstIteration\": …} (docs/detector-protocol.md).")
        return lines.joined(separator: "\n")
    }

    /// `reachable heap, unreachable heap, fds` in ``LeakKind`` order.
    public static func seesText(_ kinds: Set<LeakKind>) -> String {
        let names: [LeakKind: String] = [
            .reachableHeap: "reachable heap", .unreachableHeap: "unreachable heap", .interiorHeap: "interior-pointer heap",
            .nonHeapMemory: "non-heap memory", .fds: "fds", .threads: "threads", .tasks: "tasks",
        ]
        let seen = LeakKind.allCases.filter(kinds.contains).map { names[$0] ?? $0.rawValue }
        return seen.isEmpty ? "nothing" : seen.joined(separator: ", ")
    }
}
