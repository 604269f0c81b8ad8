import LeakLabKit

/// A deliberately wrong version of a variant's truth, for measuring the audit's own power:
/// `leaklab audit --mutants` audits every variant's runs against each mutation that applies to
/// its truth and counts how many the audit rejects ("kills"). A surviving mutant is a declaration
/// the audit cannot tell from the real one.
public enum TruthMutation: String, Codable, Sendable, CaseIterable {
    /// leak → clean.
    case leakToClean = "leak-to-clean"
    /// clean → leak of the smallest kind: one 16 B block per iteration.
    case cleanToLeak = "clean-to-leak"
    /// bounded → leak at the rate the run's first half grew at.
    case boundedToLeak = "bounded-to-leak"
    /// leak → bounded.
    case leakToBounded = "leak-to-bounded"
    /// bounded → clean: killed when the look-alike's growth stands above what a clean variant
    /// may hold (``TruthAudit``'s heap peak and back-to-baseline checks); one that grows by less
    /// than the runtime's own caches cannot be told from clean, and survives.
    case boundedToClean = "bounded-to-clean"
    /// Every declared rate doubled.
    case rateDoubled = "rate-x2"
    /// Every declared rate halved.
    case rateHalved = "rate-div2"
    /// The onset moved earlier (to half its iteration); a linear leak gets an onset at half the
    /// workload instead.
    case onsetEarlier = "onset-earlier"
    /// The onset moved later: halfway from it to the end of the workload.
    case onsetLater = "onset-later"
    /// Each leaking part declared as another kind: heap ↔ non-heap memory, fds ↔ threads,
    /// tasks → threads.
    case kindSwapped = "kind-swapped"
    /// A sublinear (or superlinear) leak declared linear at the rate its run measured.
    case sublinearToLinear = "sublinear-to-linear"
    /// Reachability flipped: a truth that declares unreachable heap blocks declares every heap
    /// block reachable; one that declares none, every heap block unreachable. Only killable where
    /// reachability was measured (`audit --reachability`), so only audited there.
    case reachabilitySwapped = "reachability-swapped"

    /// Whether this mutation changes `truth` at all.
    public func applies(to truth: GroundTruth) -> Bool {
        guard truth.expectedOutcome == .completed else { return false }
        let sublinear = if case .sublinear = truth.shape { true } else { false }
        let constantRate = truth.verdict == .leak && !sublinear && truth.shape != .superlinear
        switch self {
        case .leakToClean, .leakToBounded: return truth.verdict == .leak
        case .cleanToLeak: return truth.verdict == .clean
        case .boundedToLeak, .boundedToClean: return truth.verdict == .bounded
        case .rateDoubled, .rateHalved, .onsetEarlier: return constantRate
        case .onsetLater: return constantRate && { if case .onset = truth.shape { true } else { false } }()
        case .kindSwapped: return truth.verdict == .leak && !truth.parts.isEmpty
        case .sublinearToLinear: return truth.verdict == .leak && (sublinear || truth.shape == .superlinear)
        case .reachabilitySwapped: return truth.verdict == .leak && truth.parts.contains { $0.kind == .heap && $0.objects > 0 }
        }
    }

    /// Whether the audit can kill this mutant with `evidence`: the reachability mutant needs a
    /// reachability measurement.
    public func isAuditable(with evidence: TruthAudit.Evidence) -> Bool {
        self != .reachabilitySwapped || evidence.reachability != nil
    }

    /// The mutated truth. `primary` is the audit's first run (the measured rates some mutants take).
    public func apply(to truth: GroundTruth, measuredOn primary: RunRecord) -> GroundTruth {
        var mutant = truth
        switch self {
        case .leakToClean:
            mutant = .clean(note: "mutant")
        case .cleanToLeak:
            mutant = .leak(.heap(.reachable, bytes: 16, objects: 1), note: "mutant")
        case .boundedToLeak:
            let half = primary.workloadIterations / 2
            let bytes = max(16, LeakMeasurement.slope(.bytes, in: primary.trace, from: 0, to: half) ?? 0)
            let objects = max(1, (LeakMeasurement.slope(.objects, in: primary.trace, from: 0, to: half) ?? 0).rounded())
            mutant = .leak(.heap(.reachable, bytes: bytes, objects: objects), note: "mutant")
        case .leakToBounded:
            mutant = .bounded(note: "mutant")
        case .boundedToClean:
            mutant = .clean(note: "mutant")
        case .rateDoubled, .rateHalved:
            let factor = self == .rateDoubled ? 2.0 : 0.5
            mutant.perIteration = truth.perIteration.scaled(by: factor)
            mutant.parts = truth.parts.map { part in
                var part = part
                part.bytes *= factor
                part.requestedBytes *= factor
                part.objects *= factor
                part.count *= factor
                return part
            }
        case .onsetEarlier, .onsetLater:
            let n = primary.workloadIterations
            let current = if case .onset(let point) = truth.shape { point.workloadIteration(of: n) } else { 0 }
            let moved = self == .onsetEarlier ? (current == 0 ? n / 2 : current / 2) : (current + n) / 2
            mutant.shape = .onset(.iteration(moved))
        case .kindSwapped:
            mutant = .leak(
                parts: truth.parts.map(Self.swapped), shape: truth.shape, spread: truth.rateVaries ? truth.tolerance : nil,
                note: "mutant")
        case .reachabilitySwapped:
            let losesBlocks = truth.parts.contains { $0.kind == .heap && $0.reachability == .unreachable }
            mutant.parts = truth.parts.map { part in
                guard part.kind == .heap else { return part }
                var flipped = part
                flipped.reachability = losesBlocks ? .reachable : .unreachable
                return flipped
            }
            mutant.reachable = mutant.parts.contains { $0.kind == .heap && $0.reachability != .unreachable }
        case .sublinearToLinear where truth.shape == .superlinear:
            // Linear: the first run's rate holds in every run (the real truth's rate follows the
            // iteration counts).
            mutant = primary.truth
            mutant.shape = .linear
        case .sublinearToLinear:
            var parts: [LeakPart] = []
            for metric in TruthAudit.sublinearMetrics(truth) {
                let rate = max(1, LeakMeasurement.slope(metric, in: primary.trace) ?? 0)
                switch metric {
                case .bytes: parts.append(.heap(.reachable, bytes: rate, objects: 0))
                case .nonHeapBytes: parts.append(.nonHeapMemory(bytes: rate))
                case .fds: parts.append(.fds(rate))
                case .threads: parts.append(.threads(rate))
                case .tasks: parts.append(.tasks(rate))
                case .objects: break
                }
            }
            mutant = .leak(parts: parts, note: "mutant")
        }
        mutant.note = "mutant (\(rawValue)) of: " + truth.note
        return mutant
    }

    static func swapped(_ part: LeakPart) -> LeakPart {
        switch part.kind {
        case .heap: .nonHeapMemory(bytes: part.bytes)
        case .nonHeapMemory: .heap(.reachable, bytes: part.bytes, objects: 1)
        case .fds: .threads(part.count)
        case .threads: .fds(part.count)
        case .tasks: .threads(part.count)
        }
    }
}

/// What `leaklab audit --mutants` found for one variant's mutants.
public struct MutantResult: Codable, Sendable, Equatable {
    public var variant: String
    public var mutation: TruthMutation
    public var killed: Bool
    /// For a survivor: the checks it passed, which is why the audit could not tell it apart.
    public var why: String?

    public init(variant: String, mutation: TruthMutation, killed: Bool, why: String? = nil) {
        self.variant = variant
        self.mutation = mutation
        self.killed = killed
        self.why = why
    }

    /// Audits `evidence` against every mutation that applies to its truth.
    public static func results(variant: String, evidence: TruthAudit.Evidence) -> [MutantResult] {
        TruthMutation.allCases.filter { $0.applies(to: evidence.primary.truth) && $0.isAuditable(with: evidence) }.map { mutation in
            let checks = TruthAudit.checks(for: evidence, mutation: mutation)
            let killed = checks.contains { !$0.passed }
            let why = killed ? nil : checks.map { "\($0.name): \($0.measured) within \($0.declared)" }.joined(separator: "; ")
            return MutantResult(variant: variant, mutation: mutation, killed: killed, why: why)
        }
    }
}
