import Foundation
import LeakLabKit
import LeakLabRunner

/// What `leaklab explain` shows about one scenario, built once and rendered as text or JSON
/// (schema `leaklab.explain/1`).
///
/// Every string that came from a plugin (its text, its names, its source files) has been through
/// ``UntrustedText/clean(_:)``: a plugin is someone else's code, and its text must not be able to
/// drive the user's terminal.
public struct Explanation: Codable {
    public struct ScenarioInfo: Codable {
        public var id: String
        public var title: String
        public var pattern: String
        public var plugin: String
        public var pluginPath: String
        public var summary: String
        public var defaultIterations: Int
        public var defaultWarmUp: Int
    }

    public struct ParameterInfo: Codable {
        public var name: String
        public var defaultValue: String
        public var values: String
        public var help: String
    }

    public struct VariantInfo: Codable {
        public var name: String
        public var role: String
        public var summary: String
        public var truth: GroundTruth
        public var visibility: ToolVisibility
        public var source: SourceInfo
    }

    /// Where a variant's code is, and the code itself when the file is on this machine.
    public struct SourceInfo: Codable {
        public var file: String?
        public var region: String?
        public var firstLine: Int?
        public var code: String?
        /// Why ``code`` is absent.
        public var unavailable: String?
    }

    /// A leaky variant and the fixed variant its code is shown beside.
    public struct Pair: Codable {
        public var leaky: String
        public var fixed: String?
    }

    public static let currentSchema = "leaklab.explain/1"

    public var schema = Explanation.currentSchema
    public var scenario: ScenarioInfo
    public var training: Training
    /// The public reports the scenario reproduces, as the plugin cites them (cleaned).
    public var references: [Reference]
    public var parameters: [ParameterInfo]
    public var variants: [VariantInfo]
    /// Side-by-side pairs, in the leaky variants' order.
    public var pairs: [Pair]
    /// Fixed variants no leaky one was paired with; shown after the pairs.
    public var unpairedFixed: [String]
    /// Decoys, shown last.
    public var decoys: [String]

    /// - Parameter only: limit to this variant (already checked to exist).
    public init(_ entry: PluginCatalog.Entry, only: String? = nil) {
        let clean = UntrustedText.clean
        let source = entry.scenario
        scenario = ScenarioInfo(
            id: clean(source.id), title: clean(source.title), pattern: clean(source.pattern.rawValue),
            plugin: clean(entry.plugin.name), pluginPath: clean(entry.plugin.path), summary: clean(source.summary),
            defaultIterations: source.defaultIterations, defaultWarmUp: source.defaultWarmUp)
        training = Training(
            symptoms: clean(source.training.symptoms), detection: clean(source.training.detection),
            fix: clean(source.training.fix), mirrors: clean(source.training.mirrors))
        references = source.references.map {
            Reference(url: clean($0.url), title: clean($0.title), date: clean($0.date))
        }
        parameters = source.allParameters.map {
            ParameterInfo(name: clean($0.name), defaultValue: clean($0.defaultValue), values: clean($0.valuesDescription), help: clean($0.help))
        }
        let chosen = source.variants.filter { only == nil || $0.name == only }
        variants = chosen.map { variant in
            var truth = variant.truth
            truth.note = clean(truth.note)
            var info = SourceInfo(file: variant.source.map { clean($0.file) }, region: variant.source.map { clean($0.region) })
            switch SourceRegion.read(variant.source) {
            case .success(let region):
                info.file = clean(region.file)
                info.code = clean(region.code)
                info.firstLine = region.firstLine
            case .failure(let failure):
                info.unavailable = clean(failure.description)
            }
            return VariantInfo(
                name: clean(variant.name), role: variant.role.rawValue, summary: clean(variant.summary), truth: truth,
                visibility: ToolVisibility(truth), source: info)
        }
        let roles = variants.map { (name: $0.name, role: LeakLabKit.Variant.Role(rawValue: $0.role) ?? .decoy) }
        pairs = VariantPairing.pairs(roles)
        let paired = Set(pairs.compactMap(\.fixed))
        unpairedFixed = roles.filter { $0.role == .fixed && !paired.contains($0.name) }.map(\.name)
        decoys = roles.filter { $0.role == .decoy }.map(\.name)
    }

    public func variant(_ name: String) -> VariantInfo? { variants.first { $0.name == name } }
}

/// Which leaky variant's code is shown beside which fixed variant's.
public enum VariantPairing {
    /// Words that say nothing about what a variant does, ignored when names are compared.
    public static let fillerWords: Set<String> = ["never", "not", "no", "with", "on", "only", "the", "a", "and", "of", "to", "is"]

    /// Pairs each leaky variant with the fixed variant whose name shares the most words with it
    /// (`continuation-never-resumed` ↔ `continuation-resumed`, `strong-self` ↔ `weak-self`); with no
    /// shared word, the fixed variant declared right after it, else the first fixed variant.
    public static func pairs(_ variants: [(name: String, role: LeakLabKit.Variant.Role)]) -> [Explanation.Pair] {
        let fixed = variants.enumerated().filter { $0.element.role == .fixed }
        return variants.enumerated().filter { $0.element.role == .leaky }.map { leaky in
            let words = Self.words(leaky.element.name)
            let scored = fixed.map { (offset: $0.offset, name: $0.element.name, shared: words.intersection(Self.words($0.element.name)).count) }
            if let best = scored.filter({ $0.shared > 0 }).max(by: { ($0.shared, -$0.offset) < ($1.shared, -$1.offset) }) {
                return Explanation.Pair(leaky: leaky.element.name, fixed: best.name)
            }
            let next = fixed.first { $0.offset == leaky.offset + 1 } ?? fixed.first
            return Explanation.Pair(leaky: leaky.element.name, fixed: next?.element.name)
        }
    }

    public static func words(_ name: String) -> Set<String> {
        Set(name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)).subtracting(fillerWords)
    }
}

/// Text from a plugin, made safe to print.
public enum UntrustedText {
    /// Removes terminal escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, and two-byte
    /// escapes), every other C0/C1 control character except newline and tab, DEL, and the Unicode
    /// bidirectional overrides that can make code read differently from what it is.
    public static func clean(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar.value {
            case 0x0A, 0x09:
                scalars.append(scalar)
            case 0x1B:
                skipEscapeSequence(&iterator)
            case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                continue
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// ``clean(_:)`` for a one-line listing: line breaks and tabs become spaces, so a plugin's
    /// multi-line title cannot print a line that looks like an entry of its own.
    public static func line(_ text: String) -> String {
        String(clean(text).map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    private static func skipEscapeSequence(_ iterator: inout String.UnicodeScalarView.Iterator) {
        guard let introducer = iterator.next() else { return }
        switch introducer {
        case "[":  // CSI: parameters and intermediates, then one final byte in 0x40...0x7E
            while let next = iterator.next(), !(0x40...0x7E).contains(next.value) {}
        case "]", "P", "X", "^", "_":  // OSC and other strings: up to BEL or ESC \
            while let next = iterator.next() {
                if next.value == 0x07 { return }
                if next.value == 0x1B {
                    _ = iterator.next()
                    return
                }
            }
        default:
            return  // a two-byte escape: the introducer is gone with it
        }
    }
}
