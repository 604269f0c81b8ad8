/// What a variant really does, declared by its author and checked by `leaklab audit`.
///
/// Truth is data: a verdict, what leaks per iteration (``parts``, summed into ``perIteration``),
/// how it grows (``shape``), a one-off cost at set-up (``oneOff``), how the run ends
/// (``expectedOutcome``) and how far a measurement may stray (``tolerance``). Measure it — run the
/// variant under jemalloc with the thread cache off, as `leaklab audit` does — and declare what
/// you see; the audit then checks every figure, and `leaklab audit --mutants` checks that the
/// audit could tell a wrong declaration from this one.
///
/// ```swift
/// // A tree that loses a 64 B node and keeps a 48 B index entry per request:
/// .leak(.heap(.unreachable, bytes: 64, objects: 1), .heap(.reachable, bytes: 48, objects: 1))
/// // A socket per request never closed, from workload iteration 500 on:
/// .leak(.fds(1), shape: .onset(.iteration(500)))
/// // A callback lost in 30–93 % of requests:
/// .leak(.fds(0.6), spread: Leakage(fds: 0.33))
/// ```
public struct GroundTruth: Codable, Sendable, Equatable {
    /// Whether the variant leaks.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        /// Grows without bound as iterations grow.
        case leak
        /// Grows, then plateaus or gives memory back: a look-alike ("decoy") that is no leak.
        case bounded
        /// Does not grow.
        case clean

        /// Whether a detector should say "leak" for this verdict.
        public var isLeak: Bool { self == .leak }
    }

    /// Whether the variant leaks.
    public var verdict: Verdict
    /// Whether any of what leaks stays reachable from roots. Kept for plugin API v1, whose
    /// truth had this one flag; ``parts`` say it per part.
    public var reachable: Bool
    /// Leakage per workload iteration, in the long run (after the onset, for ``GrowthShape/onset(_:)``):
    /// the sum of ``parts``. 0 for bounded and clean variants.
    public var perIteration: Leakage
    /// How far a measurement may be from ``perIteration`` and still agree with it (absolute, per
    /// metric). For a leak, each declared figure's tolerance must be smaller than the figure, or
    /// the audit could not tell it from nothing.
    public var tolerance: Leakage
    /// Whether the rate varies from run to run by design (a race, a random loss): ``perIteration``
    /// is then the mean and ``tolerance`` the spread.
    public var rateVaries: Bool
    /// How the leakage grows with the iterations.
    public var shape: GrowthShape
    /// What leaks, part by part, and how each part is held. Empty for clean and bounded variants.
    public var parts: [LeakPart]
    /// A constant cost paid once (at set-up or on the first iteration) and never given back: not a
    /// leak per iteration, but what a tool that counts leaked blocks at exit will see.
    public var oneOff: Leakage
    /// How the run ends: ``ExpectedOutcome/completed`` for every variant but deliberately
    /// misbehaving ones (test plugins that crash, hang or blow a budget on purpose).
    public var expectedOutcome: ExpectedOutcome
    /// For bounded variants: the most the variant may hold at its plateau, in bytes, if known.
    public var plateauBytes: Double?
    /// How the figures were obtained and why they are what they are.
    public var note: String

    public init(
        verdict: Verdict, reachable: Bool, perIteration: Leakage, tolerance: Leakage,
        plateauBytes: Double? = nil, note: String = "",
        parts: [LeakPart] = [], shape: GrowthShape = .linear, rateVaries: Bool = false,
        oneOff: Leakage = .zero, expectedOutcome: ExpectedOutcome = .completed
    ) {
        self.verdict = verdict
        self.reachable = reachable
        self.perIteration = perIteration
        self.tolerance = tolerance
        self.plateauBytes = plateauBytes
        self.note = note
        self.parts = parts
        self.shape = shape
        self.rateVaries = rateVaries
        self.oneOff = oneOff
        self.expectedOutcome = expectedOutcome
    }

    /// Heap bytes per iteration as the code requested them (what valgrind, LeakSanitizer and
    /// heaptrack count), where ``perIteration``'s `bytes` are as the allocator serves them.
    public var requestedBytes: Double {
        let heap = parts.filter { $0.kind == .heap }
        return heap.isEmpty ? perIteration.bytes : heap.reduce(0) { $0 + $1.requestedBytes }
    }

    /// The kinds of leak in this truth, from which the lab derives which tools can see it.
    public var leakKinds: Set<LeakKind> {
        guard verdict == .leak else { return [] }
        return Set(parts.map(LeakKind.init))
    }

    /// Heap bytes per iteration that are held in each way (reachable, unreachable, interior).
    public func heapBytes(_ reachability: LeakPart.Reachability) -> Double {
        parts.filter { $0.kind == .heap && ($0.reachability ?? .reachable) == reachability }.reduce(0) { $0 + $1.bytes }
    }

    /// The metrics this truth declares a non-zero per-iteration figure for.
    public var declaredMetrics: [LeakMetric] { LeakMetric.allCases.filter { perIteration[$0] != 0 } }

    private enum CodingKeys: String, CodingKey {
        case verdict, reachable, perIteration, tolerance, rateVaries, shape, parts, oneOff, expectedOutcome
        case plateauBytes, note
    }

    /// Decodes truth written by plugin API v1 (no parts, shape, one-off or expected outcome).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        verdict = try container.decode(Verdict.self, forKey: .verdict)
        reachable = try container.decodeIfPresent(Bool.self, forKey: .reachable) ?? false
        perIteration = try container.decode(Leakage.self, forKey: .perIteration)
        tolerance = try container.decode(Leakage.self, forKey: .tolerance)
        rateVaries = try container.decodeIfPresent(Bool.self, forKey: .rateVaries) ?? false
        shape = try container.decodeIfPresent(GrowthShape.self, forKey: .shape) ?? .linear
        parts = try container.decodeIfPresent([LeakPart].self, forKey: .parts) ?? []
        oneOff = try container.decodeIfPresent(Leakage.self, forKey: .oneOff) ?? .zero
        expectedOutcome = try container.decodeIfPresent(ExpectedOutcome.self, forKey: .expectedOutcome) ?? .completed
        plateauBytes = try container.decodeIfPresent(Double.self, forKey: .plateauBytes)
        note = try container.decodeIfPresent(String.self, forKey: .note) ?? ""
    }
}
