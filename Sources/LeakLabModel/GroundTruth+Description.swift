import LeakLabKit

extension GroundTruth {
    /// How the truth reads in one line of a table: `leak: 64 B unreachable + 48 B reachable heap,
    /// 1 fd; from it. 500`, `bounded`, `clean`.
    public var headline: String {
        guard verdict == .leak else { return verdict.rawValue }
        var pieces: [String] = []
        let heap = parts.filter { $0.kind == .heap }
        if !heap.isEmpty {
            pieces.append(heap.map { "\(TruthAudit.figure($0.bytes)) B \(($0.reachability ?? .reachable).rawValue)" }.joined(separator: " + ") + " heap")
        } else if parts.isEmpty, perIteration.bytes != 0 {
            pieces.append("\(TruthAudit.figure(perIteration.bytes)) B \(reachable ? "reachable" : "unreachable") heap")
        }
        for part in parts where part.kind != .heap {
            switch part.kind {
            case .nonHeapMemory: pieces.append("\(TruthAudit.figure(part.bytes)) B non-heap memory")
            case .fds: pieces.append("\(TruthAudit.figure(part.count)) fd")
            case .threads: pieces.append("\(TruthAudit.figure(part.count)) thread")
            case .tasks: pieces.append("\(TruthAudit.figure(part.count)) task")
            case .heap: break
            }
        }
        var text = "leak" + (pieces.isEmpty ? "" : ": " + pieces.joined(separator: ", "))
        switch shape {
        case .onset(let onset):
            switch onset {
            case .iteration(let n): text += "; from workload iteration \(n)"
            case .fraction(let f): text += "; from \(Int((f * 100).rounded())) % of the workload"
            }
        case .sublinear(let law): text += "; grows like \(law == .logarithmic ? "log n" : "√n")"
        case .superlinear: text += "; grows faster than linear"
        case .linear, .bounded: break
        }
        if rateVaries { text += "; rate varies" }
        if expectedOutcome != .completed { text += "; ends \(expectedOutcome.rawValue)" }
        return text
    }
}
