import Foundation
import LeakLabModel

/// jemalloc's own leak profile as attribution: "these bytes were allocated in <Swift function>".
///
/// The variant runs once more under jemalloc with
/// `MALLOC_CONF=prof:true,prof_leak:true,prof_final:true,lg_prof_sample:0,prof_prefix:DIR/x`
/// (every allocation sampled; a heap profile of what is still allocated written at exit), then
/// `jeprof --text --show_bytes --cum <host> DIR/x.*.heap`, demangled with `swift demangle`. The
/// functions of the scenario's own code (not the runtime's, the lab's or the standard library's)
/// with the most bytes still allocated under them are the attribution.
public enum JemallocProfile {
    /// One line of the attribution.
    public struct Site: Equatable, Sendable {
        public var bytes: Int
        public var function: String
        public init(bytes: Int, function: String) {
            self.bytes = bytes
            self.function = function
        }
    }

    public struct Attribution: Sendable {
        /// Bytes still allocated at exit, as jeprof totals them.
        public var totalBytes: Int
        /// The top sites, most bytes first.
        public var sites: [Site]
        public var workloadIterations: Int
    }

    /// Modules whose functions are never the answer: the runtime, the standard library, the lab.
    static let infrastructure: Set<String> = [
        "Swift", "_Concurrency", "Foundation", "FoundationEssentials", "FoundationInternationalization",
        "Dispatch", "Glibc", "LeakLabHost", "LeakLabProbes", "LeakLabModel", "LeakLabKit", "leaklab_host", "std", "swift",
    ]

    /// Runs `plan` under jemalloc's profiler and returns the top `limit` sites.
    public static func attribute(_ plan: RunPlan, runner: Runner, limit: Int = 5) throws(RunnerError) -> Attribution {
        guard let jeprof = ToolFiles.which("jeprof") else {
            throw .unavailable("jeprof is not installed: it comes with libjemalloc-dev (Scripts/setup installs it)")
        }
        let directory = try ToolFiles.temporaryDirectory("jeprof")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var profiled = plan
        profiled.allocator = .jemalloc
        profiled.mallocConf = "tcache:false,prof:true,prof_leak:true,prof_final:true,lg_prof_sample:0,prof_prefix:\(directory)/x"
        let record = try runner.run(profiled)
        let dumps = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".heap") }
        guard !dumps.isEmpty else {
            throw .unavailable("jemalloc wrote no heap profile (is this jemalloc built with --enable-prof? the run ended \(record.outcome.rawValue))")
        }
        let text = "\(directory)/jeprof.txt"
        let status = ToolFiles.runToEnd(
            jeprof, ["--text", "--show_bytes", "--cum", runner.hostExecutable] + dumps.map { "\(directory)/\($0)" },
            stdout: text, stderr: "\(directory)/jeprof.err")
        guard status == 0, var output = ToolFiles.read(text) else {
            throw .internalFailure("jeprof failed (status \(status)): \(ToolFiles.read("\(directory)/jeprof.err") ?? "")")
        }
        if let demangler = ToolFiles.which("swift-demangle") {
            let demangled = "\(directory)/demangled.txt"
            if ToolFiles.runToEnd(demangler, [], stdin: text, stdout: demangled) == 0 {
                output = ToolFiles.read(demangled) ?? output
            }
        }
        let (total, sites) = parse(output, limit: limit)
        return Attribution(totalBytes: total, sites: sites, workloadIterations: record.workloadIterations)
    }

    /// Parses `jeprof --text --show_bytes --cum` output (demangled): the top `limit` functions by
    /// cumulative bytes whose module is not infrastructure, one per distinct name.
    public static func parse(_ text: String, limit: Int) -> (total: Int, sites: [Site]) {
        var total = 0
        var sites: [Site] = []
        var seen = Set<String>()
        for line in text.split(separator: "\n") {
            if let match = line.firstMatch(of: #/^Total: (\d+) B/#) {
                total = Int(match.1) ?? 0
                continue
            }
            // "flat flat% sum% cum cum% symbol"
            guard let match = line.firstMatch(of: #/^\s*\d+\s+[\d.]+%\s+[\d.]+%\s+(\d+)\s+[\d.]+%\s+(.+)$/#) else { continue }
            let name = String(match.2).trimmingCharacters(in: .whitespaces)
            guard let module = module(of: name), !infrastructure.contains(module) else { continue }
            let short = simplify(name)
            guard seen.insert(short).inserted else { continue }
            sites.append(Site(bytes: Int(match.1) ?? 0, function: short))
        }
        sites.sort { $0.bytes > $1.bytes }
        return (total, Array(sites.prefix(limit)))
    }

    /// The module a demangled Swift name belongs to: the first `Identifier.` in it.
    static func module(of name: String) -> String? {
        guard let match = name.firstMatch(of: #/([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_(]/#) else { return nil }
        return String(match.1)
    }

    /// Drops specialisation prefixes and the standard library's module names, for reading.
    static func simplify(_ name: String) -> String {
        var result = name
        result = result.replacing(#/^\(\d+\) suspend resume partial function for /#, with: "")
        result = result.replacing(#/(generic |function )?signature specialization <[^>]*> of /#, with: "")
        result = result.replacing(#/^specialized /#, with: "")
        result = result.replacing(#/\bSwift\./#, with: "")
        result = result.replacing(#/ \(inline\)$/#, with: "")
        return result.count > 140 ? String(result.prefix(139)) + "…" : result
    }
}
