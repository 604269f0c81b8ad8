import Foundation
import LeakLabModel
import LeakLabRunner

/// `leaklab explain` as text: the training sections, the variants with their truth, then the code,
/// each leaky variant beside its fix when the terminal is wide enough.
public enum ExplanationText {
    /// Prose is wrapped to this width at most, however wide the terminal: long lines read badly.
    public static let proseWidth = 100
    /// Side by side needs two columns of at least this many characters.
    public static let minimumColumnWidth = 56
    public static let gutter = " │ "

    public static func render(_ explanation: Explanation, width: Int, sideBySide: Bool) -> String {
        var out: [String] = []
        let scenario = explanation.scenario
        let prose = min(width, proseWidth)
        out.append(Terminal.style("\(scenario.id) — \(scenario.title)", "1"))
        out.append("pattern: \(scenario.pattern)   plugin: \(scenario.plugin) (\(scenario.pluginPath))")
        out.append("")
        out += wrap(scenario.summary, width: prose, indent: "  ")

        if !explanation.references.isEmpty {
            out.append("")
            out.append(Terminal.style("Reported", "1"))
            for reference in explanation.references {
                out += wrap("\(reference.date)  \(reference.title)", width: prose, indent: "  • ", continuation: "    ")
                out.append("    \(reference.url)")
            }
        }

        section("How it shows", explanation.training.symptoms, into: &out, width: prose)
        section("How to find it", explanation.training.detection, into: &out, width: prose)
        for variant in explanation.variants {
            let visibility = variant.visibility
            var who: [String] = []
            if !visibility.seenBy.isEmpty { who.append("seen by \(visibility.seenBy.joined(separator: ", "))") }
            if !visibility.missedBy.isEmpty { who.append("missed by \(visibility.missedBy.joined(separator: ", "))") }
            if !visibility.mayFool.isEmpty { who.append("may fool \(visibility.mayFool.joined(separator: ", "))") }
            let lead = who.isEmpty ? "" : who.joined(separator: "; ") + ". "
            out.append("")
            out += wrap(
                "\(variant.name) (\(verdictText(variant))): \(lead)\(visibility.explanation)",
                width: prose, indent: "  • ", continuation: "    ")
        }
        section("The fix", explanation.training.fix, into: &out, width: prose)
        if !explanation.training.mirrors.isEmpty {
            section("Mirrors", explanation.training.mirrors, into: &out, width: prose)
        }

        out.append("")
        out.append(Terminal.style("Variants", "1"))
        for variant in explanation.variants {
            out.append("")
            out.append("  " + Terminal.style(variant.name, "1") + "  \(variant.role)  \(verdictText(variant))")
            out += wrap(variant.summary, width: prose, indent: "    ")
            out += wrap("truth: \(figures(variant))", width: prose, indent: "    ", continuation: "      ")
            if !variant.truth.note.isEmpty {
                out += wrap("note: \(variant.truth.note)", width: prose, indent: "    ", continuation: "      ")
            }
        }

        let columnWidth = (width - gutter.count) / 2
        let twoColumns = sideBySide && columnWidth >= minimumColumnWidth
        for pair in explanation.pairs {
            guard let leaky = explanation.variant(pair.leaky) else { continue }
            out.append("")
            if let fixedName = pair.fixed, let fixed = explanation.variant(fixedName) {
                out.append(Terminal.style("Code: \(leaky.name) (leaky) and \(fixed.name) (fixed)", "1"))
                if twoColumns {
                    out += columns(codeBlock(leaky, width: columnWidth), codeBlock(fixed, width: columnWidth), width: columnWidth)
                } else {
                    out += codeBlock(leaky, width: nil)
                    out.append("")
                    out += codeBlock(fixed, width: nil)
                }
            } else {
                out.append(Terminal.style("Code: \(leaky.name) (leaky; the scenario has no fixed variant)", "1"))
                out += codeBlock(leaky, width: nil)
            }
        }
        for name in explanation.unpairedFixed + explanation.decoys {
            guard let variant = explanation.variant(name) else { continue }
            out.append("")
            out.append(Terminal.style("Code: \(variant.name) (\(variant.role))", "1"))
            out += codeBlock(variant, width: nil)
        }
        return out.joined(separator: "\n")
    }

    private static func section(_ title: String, _ text: String, into out: inout [String], width: Int) {
        out.append("")
        out.append(Terminal.style(title, "1"))
        out += wrap(text, width: width, indent: "  ")
    }

    /// `leak, unreachable`, `leak, unreachable + reachable`, `leak, possibly lost`, `bounded`, `clean`:
    /// how the leaked memory is held, which decides who sees it (the figures follow separately).
    public static func verdictText(_ variant: Explanation.VariantInfo) -> String {
        let truth = variant.truth
        guard truth.verdict == .leak else { return truth.verdict.rawValue }
        let kinds = truth.leakKinds
        var held: [String] = []
        if kinds.contains(.unreachableHeap) || (truth.parts.isEmpty && !truth.reachable) { held.append("unreachable") }
        if kinds.contains(.reachableHeap) || (truth.parts.isEmpty && truth.reachable) { held.append("reachable") }
        if kinds.contains(.interiorHeap) { held.append("possibly lost") }
        if kinds.contains(.nonHeapMemory) { held.append("non-heap memory") }
        if held.isEmpty { held = kinds.map(\.rawValue).sorted() }
        return "leak" + (held.isEmpty ? "" : ", " + held.joined(separator: " + "))
    }

    /// The declared per-iteration figures with their tolerances: `1428 ±278 B, 4.30 ±1.65 objects, 1 task`.
    public static func figures(_ variant: Explanation.VariantInfo) -> String {
        let truth = variant.truth
        let rate = truth.perIteration, tolerance = truth.tolerance
        var parts: [String] = []
        func add(_ value: Double, _ plusMinus: Double, _ unit: String) {
            guard value != 0 else { return }
            parts.append("\(Format.rate(value)) ±\(Format.rate(plusMinus)) \(unit)")
        }
        add(rate.bytes, tolerance.bytes, "B")
        add(rate.objects, tolerance.objects, "objects")
        add(rate.tasks, tolerance.tasks, "tasks")
        add(rate.threads, tolerance.threads, "threads")
        add(rate.fds, tolerance.fds, "fds")
        add(rate.nonHeapBytes, tolerance.nonHeapBytes, "B outside the heap")
        var text =
            parts.isEmpty
            ? "nothing per iteration (noise allowed: ±\(Format.rate(tolerance.bytes)) B, ±\(Format.rate(tolerance.objects)) objects)"
            : parts.joined(separator: ", ") + " per iteration"
        if let shape = truth.shapeDescription {
            text += "; " + shape
        } else if let plateau = truth.plateauBytes {
            text += "; plateau at most \(Format.bytes(plateau))"
        }
        if truth.rateVaries { text += "; rate varies" }
        if truth.expectedOutcome != .completed { text += "; ends \(truth.expectedOutcome.rawValue)" }
        return text
    }

    /// A variant's code under a two-line header; lines wrapped to `width` when given.
    public static func codeBlock(_ variant: Explanation.VariantInfo, width: Int?) -> [String] {
        var location = variant.source.file.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "no source location"
        if let line = variant.source.firstLine { location += ":\(line)" }
        var lines = ["\(variant.role): \(variant.name)", location]
        lines.append(String(repeating: "─", count: width ?? 60))
        let body = variant.source.code ?? variant.source.unavailable ?? "source not available"
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let expanded = line.replacingOccurrences(of: "\t", with: "    ")
            if let width { lines += hardWrap(expanded, width: width) } else { lines.append(expanded) }
        }
        return width == nil ? lines.map { "  " + $0 } : lines
    }

    /// Two blocks side by side, padded to `width` each.
    public static func columns(_ left: [String], _ right: [String], width: Int) -> [String] {
        (0..<max(left.count, right.count)).map { index in
            let l = index < left.count ? left[index] : ""
            let r = index < right.count ? right[index] : ""
            let padded = l + String(repeating: " ", count: max(0, width - l.count))
            return (padded + gutter + r).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    /// Splits a code line into pieces of at most `width` characters, at a space when one is near the
    /// end of the piece; continuations are indented like the line and marked `↪`.
    public static func hardWrap(_ line: String, width: Int) -> [String] {
        guard line.count > width, width > 8 else { return [line] }
        let indent = String(line.prefix { $0 == " " }.prefix(width / 2))
        let marker = indent + "↪ "
        var pieces: [String] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            let prefix = pieces.isEmpty ? "" : marker
            let room = width - prefix.count
            if rest.count <= room {
                pieces.append(prefix + rest)
                break
            }
            var piece = rest.prefix(room)
            // Break after the last space in the final third, so words stay whole where they can.
            if let space = piece.lastIndex(of: " "), piece.distance(from: piece.startIndex, to: space) >= room * 2 / 3 {
                piece = rest[rest.startIndex...space]
            }
            pieces.append(prefix + piece)
            rest = rest.dropFirst(piece.count)
            if !pieces.isEmpty { rest = rest.drop { $0 == " " } }
        }
        return pieces
    }

    /// Word-wraps prose; the first line starts with `indent`, the others with `continuation`.
    public static func wrap(_ text: String, width: Int, indent: String, continuation: String? = nil) -> [String] {
        let next = continuation ?? indent
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = lines.isEmpty ? indent : next
            var empty = true
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                if !empty, line.count + 1 + word.count > width {
                    lines.append(line)
                    line = next
                    empty = true
                }
                line += (empty ? "" : " ") + word
                empty = false
            }
            lines.append(line)
        }
        return lines
    }
}
