import Foundation
import LeakLabKit

/// A variant's real code, read back from the file its plugin was compiled from.
///
/// A plugin records `#filePath` and a region name (``SourceLocation``); the code sits in that file
/// between `// leaklab:begin NAME` and `// leaklab:end NAME`. The file is only there while the source
/// tree is: a plugin built on another machine, or installed without its sources, has none, and
/// `explain` says so instead of failing.
public struct SourceRegion: Equatable {
    /// The file the region was found in.
    public var file: String
    /// The code, marker lines removed and common indentation stripped.
    public var code: String
    /// The 1-based line in the file of the first line of ``code``.
    public var firstLine: Int

    /// Why a region could not be shown.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The variant declares no ``SourceLocation``.
        case notDeclared
        /// The file is not on this machine (or cannot be read).
        case fileUnavailable(file: String, region: String)
        /// The file is there but has no `// leaklab:begin NAME` line.
        case regionMissing(file: String, region: String)
        /// `// leaklab:begin NAME` without its `// leaklab:end NAME`.
        case regionUnclosed(file: String, region: String)

        public var description: String {
            switch self {
            case .notDeclared:
                "source not available: the variant declares no source location"
            case .fileUnavailable(let file, let region):
                "source not available: \(file) (region \(region))"
            case .regionMissing(let file, let region):
                "source not available: neither \(file) nor the files beside it mark region \(region) ('// leaklab:begin \(region)')"
            case .regionUnclosed(let file, let region):
                "source not available: \(file) opens region \(region) but never ends it ('// leaklab:end \(region)')"
            }
        }
    }

    /// Files larger than this are not read: the path comes from a plugin, which may be wrong.
    public static let maximumFileBytes = 4 << 20

    /// Reads the region a variant points at.
    ///
    /// `SourceLocation(region:)` records the `#filePath` of the line that declares the variant,
    /// which is usually the scenario's file, while the workload's code (and its markers) sits in a
    /// sibling file of the same target. So when the named file lacks the region, the other
    /// `.swift` files in its directory are searched, in name order, and ``file`` says where it was found.
    public static func read(_ location: SourceLocation?) -> Result<SourceRegion, Failure> {
        guard let location else { return .failure(.notDeclared) }
        let declared = location.file
        guard let text = contents(of: declared) else {
            return .failure(.fileUnavailable(file: declared, region: location.region))
        }
        let result = extract(region: location.region, from: text, file: declared)
        guard case .failure(.regionMissing) = result else { return result }
        let directory = URL(fileURLWithPath: declared).deletingLastPathComponent().path
        let siblings = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted().map { "\(directory)/\($0)" }
            .filter { $0 != declared }
        for sibling in siblings {
            guard let text = contents(of: sibling) else { continue }
            let found = extract(region: location.region, from: text, file: sibling)
            if case .failure(.regionMissing) = found { continue }
            return found
        }
        return .failure(.regionMissing(file: declared, region: location.region))
    }

    /// A regular file's text, or nil when it is missing, unreadable or implausibly large.
    private static func contents(of file: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            attributes[.type] as? FileAttributeType == .typeRegular,
            (attributes[.size] as? Int ?? 0) <= maximumFileBytes,
            let data = FileManager.default.contents(atPath: file)
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Cuts the region `name` out of a file's text.
    ///
    /// Marker lines of other regions nested inside are dropped too, so a region may contain another.
    /// A region that occurs more than once is shown as its parts in order, separated by `// …`.
    public static func extract(region name: String, from text: String, file: String) -> Result<SourceRegion, Failure> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        var parts: [[String]] = []
        var current: [String]?
        var firstLine = 0
        for (index, line) in lines.enumerated() {
            switch marker(in: line) {
            case (.begin, name)?:
                if current == nil {
                    current = []
                    if parts.isEmpty { firstLine = index + 2 }
                }
            case (.end, name)?:
                if let done = current { parts.append(done) }
                current = nil
            case _?:
                continue  // another region's marker
            case nil:
                current?.append(line)
            }
        }
        if current != nil { return .failure(.regionUnclosed(file: file, region: name)) }
        guard !parts.isEmpty else { return .failure(.regionMissing(file: file, region: name)) }
        let joined = parts.map { trimBlankEdges($0) }.joined(separator: ["", "// …", ""])
        return .success(SourceRegion(file: file, code: dedent(Array(joined)).joined(separator: "\n"), firstLine: firstLine))
    }

    public enum MarkerKind { case begin, end }

    /// `(kind, name)` when the line is `// leaklab:begin NAME` or `// leaklab:end NAME`.
    public static func marker(in line: String) -> (MarkerKind, String)? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard words.count == 3, words[0] == "//" else { return nil }
        switch words[1] {
        case "leaklab:begin": return (.begin, String(words[2]))
        case "leaklab:end": return (.end, String(words[2]))
        default: return nil
        }
    }

    private static func trimBlankEdges(_ lines: [String]) -> [String] {
        let isBlank = { (line: String) in line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }
        guard let first = lines.firstIndex(where: { !isBlank($0) }), let last = lines.lastIndex(where: { !isBlank($0) }) else { return [] }
        return Array(lines[first...last])
    }

    /// Removes the indentation every non-blank line shares, so code from inside a type starts at column 0.
    private static func dedent(_ lines: [String]) -> [String] {
        let indents = lines.filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
            .map { $0.prefix { $0 == " " || $0 == "\t" }.count }
        let common = indents.min() ?? 0
        return lines.map { line in
            let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
            return trimmed.count >= common ? String(trimmed.dropFirst(common)) : trimmed.trimmingCharacters(in: .whitespaces)
        }
    }
}
