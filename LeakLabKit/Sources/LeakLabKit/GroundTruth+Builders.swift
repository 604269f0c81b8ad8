extension GroundTruth {
    /// A variant that grows without bound, declared part by part (plugin API v2).
    ///
    /// - Parameters:
    ///   - parts: what leaks per iteration (after the onset): ``LeakPart/heap(_:bytes:requested:objects:)``,
    ///     ``LeakPart/nonHeapMemory(bytes:_:)``, ``LeakPart/fds(_:)``, ``LeakPart/threads(_:)``,
    ///     ``LeakPart/tasks(_:)``.
    ///   - shape: ``GrowthShape/linear`` (default), ``GrowthShape/onset(_:)`` or ``GrowthShape/sublinear(_:)``.
    ///   - tolerance: per-metric absolute tolerance; by default ``defaultTolerance(for:)``.
    ///   - spread: for a rate that varies by design: the half-width of its range around the
    ///     declared mean (replaces `tolerance` for the metrics it names).
    ///   - oneOff: a constant cost paid once and never given back.
    ///   - expectedOutcome: how the run ends, for deliberately misbehaving variants.
    public static func leak(
        _ parts: LeakPart..., shape: GrowthShape = .linear, tolerance: Leakage? = nil, spread: Leakage? = nil,
        oneOff: Leakage = .zero, expectedOutcome: ExpectedOutcome = .completed, note: String = ""
    ) -> GroundTruth {
        leak(
            parts: parts, shape: shape, tolerance: tolerance, spread: spread, oneOff: oneOff,
            expectedOutcome: expectedOutcome, note: note)
    }

    /// ``leak(_:shape:tolerance:spread:oneOff:expectedOutcome:note:)`` with the parts as an array.
    public static func leak(
        parts: [LeakPart], shape: GrowthShape = .linear, tolerance: Leakage? = nil, spread: Leakage? = nil,
        oneOff: Leakage = .zero, expectedOutcome: ExpectedOutcome = .completed, note: String = ""
    ) -> GroundTruth {
        let total = parts.reduce(Leakage.zero) { $0 + $1.leakage }
        var limits = tolerance ?? defaultTolerance(for: total)
        if let spread {
            for metric in LeakMetric.allCases where spread[metric] != 0 { limits[metric] = spread[metric] }
        }
        let reachable =
            parts.contains { $0.kind == .heap && ($0.reachability ?? .reachable) != .unreachable }
            || parts.contains { $0.kind == .nonHeapMemory && $0.reachability != .unreachable }
        return GroundTruth(
            verdict: .leak, reachable: reachable, perIteration: total, tolerance: limits, note: note,
            parts: parts, shape: shape, rateVaries: spread != nil, oneOff: oneOff, expectedOutcome: expectedOutcome)
    }

    /// The tolerance a leak gets unless it declares one: exact for counts (fds, threads, tasks),
    /// 2 % (at least 0.02) for heap objects, 5 % (at least 4 B) for heap bytes — jemalloc's
    /// `stats.allocated` counts served size classes exactly with the thread cache off, so what
    /// remains is runtime jitter — and 5 % (at least 256 B) for resident non-heap memory, which
    /// RSS shows in 4 KiB pages.
    public static func defaultTolerance(for leakage: Leakage) -> Leakage {
        Leakage(
            bytes: max(4, leakage.bytes * 0.05), objects: max(0.02, leakage.objects * 0.02),
            tasks: 0, threads: 0, fds: 0, nonHeapBytes: max(256, leakage.nonHeapBytes * 0.05))
    }

    /// A variant that does not grow: every per-iteration figure is 0, within `tolerance`
    /// (``Leakage/noise`` unless the variant's runtime noise needs more).
    public static func clean(
        tolerance: Leakage = .noise, oneOff: Leakage = .zero, expectedOutcome: ExpectedOutcome = .completed,
        note: String = ""
    ) -> GroundTruth {
        GroundTruth(
            verdict: .clean, reachable: false, perIteration: .zero, tolerance: tolerance, note: note,
            oneOff: oneOff, expectedOutcome: expectedOutcome)
    }

    /// A look-alike: it grows, then plateaus or gives back, so in the long run it leaks nothing.
    ///
    /// - Parameters:
    ///   - cap: what it holds at its plateau (bytes, objects, fds, …), where known.
    ///   - reachedBy: when the plateau is reached, where known; the audit's confirmation run is
    ///     long enough to see it held.
    ///   - plateauBytes: plugin API v1's cap in bytes (same as `cap.bytes`).
    public static func bounded(
        cap: Leakage = .zero, reachedBy: GrowthShape.Onset? = nil, plateauBytes: Double? = nil,
        tolerance: Leakage = .noise, note: String = ""
    ) -> GroundTruth {
        var cap = cap
        if let plateauBytes, cap.bytes == 0 { cap.bytes = plateauBytes }
        return GroundTruth(
            verdict: .bounded, reachable: true, perIteration: .zero, tolerance: tolerance,
            plateauBytes: cap.bytes > 0 ? cap.bytes : nil, note: note,
            shape: .bounded(cap: cap, reachedBy: reachedBy))
    }

    /// Plugin API v1: a variant that grows without bound, with one reachability flag.
    ///
    /// Kept with its v1 meaning so v1 plugins compile unchanged: a heap part (unreachable unless
    /// `reachable`), fd, thread and task parts, and v1's tolerances (bytes × `bytesTolerance` +
    /// 64 B, objects 15 % + 1, counts exact). v1's 64 B floor makes leaks under ~64 B per iteration
    /// untestable, which the audit reports; declare those with the v2 builder.
    ///
    /// - Parameters:
    ///   - bytes: heap bytes left behind per iteration (jemalloc `stats.allocated`).
    ///   - bytesTolerance: relative tolerance on `bytes` (0.15 = ±15 %), plus 64 B.
    ///   - objects: heap allocations left behind per iteration (mallocs − frees).
    ///   - tasks, threads, fds: counted exactly.
    public static func leak(
        reachable: Bool, bytes: Double, bytesTolerance: Double = 0.15,
        objects: Double = 0, tasks: Double = 0, threads: Double = 0, fds: Double = 0,
        note: String = ""
    ) -> GroundTruth {
        var parts: [LeakPart] = []
        if bytes != 0 || objects != 0 {
            parts.append(.heap(reachable ? .reachable : .unreachable, bytes: bytes, objects: objects))
        }
        if fds != 0 { parts.append(.fds(fds)) }
        if threads != 0 { parts.append(.threads(threads)) }
        if tasks != 0 { parts.append(.tasks(tasks)) }
        return GroundTruth(
            verdict: .leak, reachable: reachable,
            perIteration: Leakage(bytes: bytes, objects: objects, tasks: tasks, threads: threads, fds: fds),
            tolerance: Leakage(
                bytes: bytes * bytesTolerance + 64, objects: (objects * 0.15).rounded(.up) + 1,
                tasks: 0, threads: 0, fds: 0, nonHeapBytes: Leakage.noise.nonHeapBytes),
            note: note, parts: parts)
    }
}
