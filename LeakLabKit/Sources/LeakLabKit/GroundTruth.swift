/// What a variant really does, declared by its author and checked by `leaklab audit`.
///
/// Truth is measured, not guessed: run the variant under jemalloc with the thread cache off
/// (`leaklab audit` does) and declare what it shows, with a tolerance that covers run-to-run noise.
/// Byte figures are jemalloc's `stats.allocated`, so they include size-class rounding.
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
    /// Whether what leaks stays reachable from roots (a logical leak: a cache, a registry, a
    /// suspended task still referenced) or becomes unreachable (a retain cycle, a lost pointer).
    /// valgrind and LeakSanitizer see only the unreachable kind. `false` when nothing leaks.
    public var reachable: Bool
    /// Leakage per workload iteration, in the long run: 0 for bounded and clean variants.
    public var perIteration: Leakage
    /// How far a measurement may be from ``perIteration`` and still agree with it (absolute).
    public var tolerance: Leakage
    /// For bounded variants: the most the variant may hold at its plateau, in bytes, if known.
    public var plateauBytes: Double?
    /// How the figures were obtained and why they are what they are.
    public var note: String

    public init(
        verdict: Verdict, reachable: Bool, perIteration: Leakage, tolerance: Leakage,
        plateauBytes: Double? = nil, note: String = ""
    ) {
        self.verdict = verdict
        self.reachable = reachable
        self.perIteration = perIteration
        self.tolerance = tolerance
        self.plateauBytes = plateauBytes
        self.note = note
    }

    /// A variant that grows without bound.
    ///
    /// - Parameters:
    ///   - bytes: heap bytes left behind per iteration (jemalloc `stats.allocated`).
    ///   - bytesTolerance: relative tolerance on `bytes` (0.15 = ±15 %); 64 B are always allowed.
    ///   - objects: heap allocations left behind per iteration (mallocs − frees).
    ///   - tasks, threads, fds: counted exactly.
    public static func leak(
        reachable: Bool, bytes: Double, bytesTolerance: Double = 0.15,
        objects: Double = 0, tasks: Double = 0, threads: Double = 0, fds: Double = 0,
        note: String = ""
    ) -> GroundTruth {
        GroundTruth(
            verdict: .leak, reachable: reachable,
            perIteration: Leakage(bytes: bytes, objects: objects, tasks: tasks, threads: threads, fds: fds),
            tolerance: Leakage(
                bytes: bytes * bytesTolerance + 64, objects: (objects * 0.15).rounded(.up) + 1,
                tasks: 0, threads: 0, fds: 0),
            note: note)
    }

    /// A variant that does not grow: every per-iteration figure is 0, within a small noise allowance.
    public static func clean(note: String = "") -> GroundTruth {
        GroundTruth(
            verdict: .clean, reachable: false, perIteration: .zero, tolerance: .noise, note: note)
    }

    /// A look-alike: it grows, then plateaus or gives back, so in the long run it leaks nothing.
    public static func bounded(plateauBytes: Double? = nil, note: String = "") -> GroundTruth {
        GroundTruth(
            verdict: .bounded, reachable: true, perIteration: .zero, tolerance: .noise,
            plateauBytes: plateauBytes, note: note)
    }
}

/// Per-iteration figures for each resource the lab measures.
public struct Leakage: Codable, Sendable, Equatable {
    public var bytes: Double
    public var objects: Double
    public var tasks: Double
    public var threads: Double
    public var fds: Double

    public init(bytes: Double = 0, objects: Double = 0, tasks: Double = 0, threads: Double = 0, fds: Double = 0) {
        self.bytes = bytes
        self.objects = objects
        self.tasks = tasks
        self.threads = threads
        self.fds = fds
    }

    public static let zero = Leakage()

    /// What a variant that leaks nothing may still show per iteration from allocator and runtime
    /// noise: 32 B, 0.5 objects, and a twentieth of a task, thread or fd (0 in any real run).
    public static let noise = Leakage(bytes: 32, objects: 0.5, tasks: 0.05, threads: 0.05, fds: 0.05)
}
