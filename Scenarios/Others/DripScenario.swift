import LeakLabKit

/// The sensitivity scenario: a leak whose size, sparseness, onset and surrounding noise are all
/// parameters, so `leaklab power` can sweep them and the truth follows from them exactly.
let dripScenario = Scenario(
    id: "drip",
    title: "A drip of a chosen size, sparseness and onset, under chosen noise",
    pattern: .unmanagedMemory,
    summary: """
        Each iteration mallocs `churn` short-lived blocks of varied sizes and frees them again \
        (noise), and — in the leaky variant — keeps `objects-per-iteration` blocks of \
        `object-bytes` once every `every` iterations from workload iteration `onset` on, dropping \
        the pointers. The clean variant does the same work and frees; the sawtooth decoy keeps the \
        blocks for `tooth` iterations, then clears them.
        """,
    training: Training(
        symptoms: """
            Heap bytes and live allocations rise by exactly what the parameters say (served bytes: \
            the jemalloc size class of `object-bytes`); the churn makes `allocated` wander by a few \
            KiB from sample to sample. fds and threads stay flat.
            """,
        detection: """
            This is a yardstick, not a pattern: `leaklab power` sweeps `object-bytes` × iterations \
            to find the smallest drip each detector sees (its minimum detectable leak), and runs \
            the clean and sawtooth variants to count false alarms.
            """,
        fix: "Free every block that is not kept for a reason (the clean variant).",
        mirrors: "Any language: a malloc without its free on a path that runs once in a while."),
    parameters: [
        .integer("object-bytes", default: 64, range: 1...1 << 20, help: "bytes requested per kept block"),
        .integer("objects-per-iteration", default: 1, range: 1...10_000, help: "blocks kept each leaking iteration"),
        .integer("every", default: 1, range: 1...100_000, help: "keep blocks once every this many iterations (sparse leaks)"),
        .integer("onset", default: 0, range: 0...10_000_000, help: "first workload iteration that leaks (0: from the start)"),
        .integer("churn", default: 4, range: 0...10_000, help: "mean short-lived blocks per iteration (0…2× this many), freed before the iteration ends"),
        .integer("churn-max-bytes", default: 512, range: 1...1 << 20, help: "largest short-lived block"),
        .integer("tooth", default: 500, range: 1...1_000_000, help: "sawtooth: iterations a kept block lives before the buffer is cleared"),
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 100,
    variants: [
        Variant(
            name: "leaky", role: .leaky,
            summary: "keeps objects-per-iteration blocks of object-bytes every `every` iterations from `onset`, pointers dropped",
            source: SourceLocation(region: "drip-leaky"),
            truth: { run in DripTruth(run).leak },
            makeWorkload: { DripWorkload(DripSettings($0), mode: .leak) }),
        Variant(
            name: "clean", role: .fixed,
            summary: "the same allocations and churn, every block freed before the iteration ends",
            truth: .clean(note: "each kept block is freed in the iteration that allocated it"),
            source: SourceLocation(region: "drip-clean"),
            makeWorkload: { DripWorkload(DripSettings($0), mode: .free) }),
        Variant(
            name: "sawtooth", role: .decoy,
            summary: "keeps the blocks in a buffer that is cleared every `tooth` workload iterations: grows, drops, grows again",
            source: SourceLocation(region: "drip-sawtooth"),
            truth: { run in DripTruth(run).sawtooth },
            makeWorkload: { DripWorkload(DripSettings($0), mode: .sawtooth) }),
    ])

/// The drip's truth at one run's settings, computed from its parameters.
struct DripTruth {
    let settings: DripSettings
    let workloadIterations: Int

    init(_ run: RunSettings) {
        settings = DripSettings(run.parameters)
        workloadIterations = run.workloadIterations
    }

    /// Served bytes of one kept block: jemalloc's size class of `object-bytes`.
    var servedBytes: Int { DripSettings.jemallocSizeClass(settings.objectBytes) }

    /// The leaky variant: a heap part per iteration, averaged over `every`, from `onset` on.
    var leak: GroundTruth {
        let objects = Double(settings.objectsPerIteration) / Double(settings.every)
        let part = LeakPart.heap(
            .unreachable, bytes: Double(servedBytes) * objects,
            requested: Double(settings.objectBytes) * objects, objects: objects)
        let note = """
            \(settings.objectsPerIteration) block(s) of \(settings.objectBytes) B requested \
            (\(servedBytes) B served: jemalloc's size class) every \(settings.every) iteration(s)\
            \(settings.onset > 0 ? " from workload iteration \(settings.onset)" : ""), pointers dropped.
            """
        return settings.onset > 0
            ? .leak(part, shape: .onset(.iteration(settings.onset)), note: note)
            : .leak(part, note: note)
    }

    /// The sawtooth decoy: holds at most one tooth of blocks, reached after `tooth` iterations.
    var sawtooth: GroundTruth {
        let perTooth = (settings.tooth + settings.every - 1) / settings.every * settings.objectsPerIteration
        return .bounded(
            cap: Leakage(bytes: Double(perTooth * servedBytes), objects: Double(perTooth)),
            reachedBy: .iteration(min(settings.tooth, max(0, workloadIterations - 1))),
            note: "a buffer of at most \(perTooth) blocks, cleared every \(settings.tooth) workload iterations")
    }
}
