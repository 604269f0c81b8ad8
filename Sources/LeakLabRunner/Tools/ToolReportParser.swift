import Foundation

/// What memcheck's LEAK SUMMARY says, in bytes and blocks.
public struct MemcheckSummary: Equatable, Sendable {
    public var definitelyLost = Count()
    public var indirectlyLost = Count()
    public var possiblyLost = Count()
    public var stillReachable = Count()
    public var suppressed = Count()

    public struct Count: Equatable, Sendable {
        public var bytes = 0
        public var blocks = 0
        public init(bytes: Int = 0, blocks: Int = 0) {
            self.bytes = bytes
            self.blocks = blocks
        }
    }

    public init() {}

    /// Unreachable memory: definitely + indirectly lost. "Possibly lost" (interior pointers only)
    /// is reported in the note but not counted: after the suppressions it is 0 on every clean run.
    public var lost: Count {
        Count(bytes: definitelyLost.bytes + indirectlyLost.bytes, blocks: definitelyLost.blocks + indirectlyLost.blocks)
    }
}

/// LeakSanitizer's totals: direct and indirect leaks.
public struct LeakSanitizerSummary: Equatable, Sendable {
    public var directBytes = 0
    public var directObjects = 0
    public var indirectBytes = 0
    public var indirectObjects = 0
    /// An AddressSanitizer error other than leaks (e.g. heap-use-after-free), first line.
    public var otherError: String?

    public init() {}

    public var lostBytes: Int { directBytes + indirectBytes }
    public var lostObjects: Int { directObjects + indirectObjects }
}

/// heaptrack_print's summary lines.
public struct HeaptrackSummary: Equatable, Sendable {
    /// "total memory leaked": every byte allocated and not freed at exit, reachable or not.
    public var leakedBytes: Int
    public var allocationCalls: Int?
    public var peakBytes: Int?
    /// The largest leak site, demangled, when heaptrack_print printed leaks.
    public var topLeakSite: String?

    public init(leakedBytes: Int, allocationCalls: Int? = nil, peakBytes: Int? = nil, topLeakSite: String? = nil) {
        self.leakedBytes = leakedBytes
        self.allocationCalls = allocationCalls
        self.peakBytes = peakBytes
        self.topLeakSite = topLeakSite
    }
}

/// What gperftools' heap checker printed at exit.
public struct HeapCheckerSummary: Equatable, Sendable {
    public var leakedBytes: Int
    public var leakedObjects: Int
    public init(leakedBytes: Int, leakedObjects: Int) {
        self.leakedBytes = leakedBytes
        self.leakedObjects = leakedObjects
    }
}

/// Pure parsers for the tools' text reports; tested with canned reports.
public enum ToolReportParser {
    /// The heap checker's verdict line: "Leak check _main_ detected leaks of B bytes in O objects",
    /// or "No leaks found for check …" (0 and 0). `nil` when the output has neither: the check
    /// did not run (the process was killed, or the checker could not stop the threads).
    public static func heapChecker(_ output: String) -> HeapCheckerSummary? {
        if let match = output.firstMatch(of: #/Leak check \S+ detected leaks of (\d+) bytes in (\d+) objects/#) {
            return HeapCheckerSummary(leakedBytes: integer(match.1), leakedObjects: integer(match.2))
        }
        if output.contains("No leaks found for check") { return HeapCheckerSummary(leakedBytes: 0, leakedObjects: 0) }
        return nil
    }

    /// Parses memcheck's `LEAK SUMMARY` (or "All heap blocks were freed"). `nil` when the log has
    /// neither: memcheck did not get to its leak check (killed, or valgrind itself failed).
    public static func memcheck(_ log: String) -> MemcheckSummary? {
        var summary = MemcheckSummary()
        var found = false
        for raw in log.split(separator: "\n") {
            let line = raw.replacing(#/^==\d+==\s*/#, with: "")
            if line.contains("All heap blocks were freed -- no leaks are possible") {
                found = true
                continue
            }
            guard
                let match = line.firstMatch(
                    of: #/^\s*(definitely lost|indirectly lost|possibly lost|still reachable|suppressed):\s*([\d,]+) bytes in ([\d,]+) blocks/#)
            else { continue }
            found = true
            let count = MemcheckSummary.Count(bytes: integer(match.2), blocks: integer(match.3))
            switch match.1 {
            case "definitely lost": summary.definitelyLost = count
            case "indirectly lost": summary.indirectlyLost = count
            case "possibly lost": summary.possiblyLost = count
            case "still reachable": summary.stillReachable = count
            default: summary.suppressed = count
            }
        }
        return found ? summary : nil
    }

    /// Adds up LeakSanitizer's "Direct leak of N byte(s) in M object(s)" and "Indirect leak …"
    /// records. An empty report is no leak: LeakSanitizer prints nothing when it finds none.
    public static func leakSanitizer(_ report: String) -> LeakSanitizerSummary {
        var summary = LeakSanitizerSummary()
        for line in report.split(separator: "\n") {
            if let match = line.firstMatch(of: #/(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\)/#) {
                if match.1 == "Direct" {
                    summary.directBytes += integer(match.2)
                    summary.directObjects += integer(match.3)
                } else {
                    summary.indirectBytes += integer(match.2)
                    summary.indirectObjects += integer(match.3)
                }
            } else if summary.otherError == nil, line.contains("ERROR: AddressSanitizer") {
                summary.otherError = line.replacing(#/^==\d+==/#, with: "").trimmingCharacters(in: .whitespaces)
            }
        }
        return summary
    }

    /// Parses heaptrack_print's "total memory leaked: 61.60K" and friends. `nil` without it.
    public static func heaptrack(_ text: String) -> HeaptrackSummary? {
        var leaked: Int?
        var calls: Int?
        var peak: Int?
        var topSite: String?
        var inLeaks = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let match = line.firstMatch(of: #/^total memory leaked: ([\d.]+)([A-Za-z]*)/#) {
                leaked = bytes(match.1, match.2)
            } else if let match = line.firstMatch(of: #/^peak heap memory consumption: ([\d.]+)([A-Za-z]*)/#) {
                peak = bytes(match.1, match.2)
            } else if let match = line.firstMatch(of: #/^calls to allocation functions: (\d+)/#) {
                calls = integer(match.1)
            } else if line.hasPrefix("MEMORY LEAKS") {
                inLeaks = true
            } else if inLeaks, topSite == nil, line.contains("leaked over") {
                // "10.08K leaked over 210 calls from" — the site is on the next non-empty line.
                topSite = ""
            } else if inLeaks, topSite == "", !line.isEmpty {
                topSite = line.hasSuffix(":") ? String(line.dropLast()) : line
            }
        }
        guard let leaked else { return nil }
        return HeaptrackSummary(leakedBytes: leaked, allocationCalls: calls, peakBytes: peak, topLeakSite: topSite?.isEmpty == true ? nil : topSite)
    }

    /// heaptrack prints sizes with 1000-based suffixes: `B`, `K`, `M`, `G` (KDE's formatting in
    /// heaptrack_print uses powers of 1000).
    static func bytes(_ number: Substring, _ unit: Substring) -> Int {
        let value = Double(number) ?? 0
        let scale: Double =
            switch unit.uppercased() {
            case "K": 1e3
            case "M": 1e6
            case "G": 1e9
            case "T": 1e12
            default: 1
            }
        return Int((value * scale).rounded())
    }

    static func integer(_ text: Substring) -> Int {
        Int(text.filter { $0 != "," }) ?? 0
    }
}
