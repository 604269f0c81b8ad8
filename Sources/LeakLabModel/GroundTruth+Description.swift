import LeakLabKit

extension GroundTruth {
    /// How the truth reads in one line of a table: `leak: 64 B unreachable + 48 B reachable heap,
    /// 1 fd; from it. 500`, `bounded`, `clean`.
    public var headline: String {
        guard verdict == .leak else {
            var text = verdict.rawValue + (shapeDescription.map { ": " + $0 } ?? "")
            if expectedOutcome != .completed { text += "; ends \(expectedOutcome.rawValue)" }
            return text
        }
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
        if let shape = shapeDescription { text += "; " + shape }
        if rateVaries { text += "; rate varies" }
        if expectedOutcome != .completed { text += "; ends \(expectedOutcome.rawValue)" }
        return text
    }

    /// The declared shape in words — `from workload iteration 600`, `grows like log n`, `at most
    /// 218.8 KiB, reached by workload iteration 1600` — or `nil` for a linear leak and a truth
    /// with no shape to tell.
    public var shapeDescription: String? {
        func point(_ onset: GrowthShape.Onset) -> String {
            switch onset {
            case .iteration(let n): "workload iteration \(n)"
            case .fraction(let f): "\(Int((f * 100).rounded())) % of the workload"
            }
        }
        switch shape {
        case .onset(let onset): return "from " + point(onset)
        case .sublinear(let law): return "grows like \(law == .logarithmic ? "log n" : "√n")"
        case .superlinear: return "grows faster than linear"
        case .linear: return nil
        case .bounded(let cap, let reachedBy):
            var pieces: [String] = []
            if cap.bytes > 0 { pieces.append("\(TruthAudit.figure(cap.bytes)) B") }
            if cap.fds > 0 { pieces.append("\(TruthAudit.figure(cap.fds)) fd") }
            if cap.threads > 0 { pieces.append("\(TruthAudit.figure(cap.threads)) thread") }
            if cap.tasks > 0 { pieces.append("\(TruthAudit.figure(cap.tasks)) task") }
            var text = pieces.isEmpty ? "" : "at most " + pieces.joined(separator: ", ")
            if let reachedBy { text += (text.isEmpty ? "" : ", ") + "reached by " + point(reachedBy) }
            return text.isEmpty ? nil : text
        }
    }
}
