import LeakLabKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The drip's parameters, read once per run.
struct DripSettings: Sendable {
    var objectBytes: Int
    var objectsPerIteration: Int
    var every: Int
    var onset: Int
    var churn: Int
    var churnMaxBytes: Int
    var tooth: Int

    init(_ parameters: ParameterValues) {
        objectBytes = parameters.integer("object-bytes")
        objectsPerIteration = parameters.integer("objects-per-iteration")
        every = parameters.integer("every")
        onset = parameters.integer("onset")
        churn = parameters.integer("churn")
        churnMaxBytes = parameters.integer("churn-max-bytes")
        tooth = parameters.integer("tooth")
    }

    /// jemalloc's size class for a request of `bytes` (≥ 1): 8, 16, then steps of 16 up to 128,
    /// then four classes per doubling (160, 192, 224, 256, 320, …, 1,024, 1,280, …).
    static func jemallocSizeClass(_ bytes: Int) -> Int {
        if bytes <= 8 { return 8 }
        if bytes <= 128 { return (bytes + 15) / 16 * 16 }
        var power = 128
        while power * 2 < bytes { power *= 2 }
        let spacing = power / 4
        return (bytes + spacing - 1) / spacing * spacing
    }
}

/// Keeps the low byte of what it is given, so the optimizer cannot drop a malloc nobody reads.
@inline(never)
func dripTouch(_ block: UnsafeMutableRawPointer, _ bytes: Int, _ value: Int) {
    memset(block, Int32(truncatingIfNeeded: value), bytes)
    dripSink &+= block.load(as: UInt8.self)
}
nonisolated(unsafe) var dripSink: UInt8 = 0

// leaklab:begin drip-leaky
// leaklab:begin drip-clean
// leaklab:begin drip-sawtooth
/// One drip workload; `mode` says what becomes of the blocks it keeps.
final class DripWorkload: ScenarioWorkload {
    enum Mode { case leak, free, sawtooth }
    let settings: DripSettings
    let mode: Mode
    /// The sawtooth's buffer (capacity reserved in set-up, so only the blocks come and go).
    var buffer: [UnsafeMutableRawPointer] = []

    init(_ settings: DripSettings, mode: Mode) {
        self.settings = settings
        self.mode = mode
    }

    func setUp(context: ScenarioContext) async throws {
        let teeth = (settings.tooth + settings.every - 1) / settings.every
        buffer.reserveCapacity(teeth * settings.objectsPerIteration + 1)
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        churn(index, context: context)
        let workloadIteration = index - context.warmUpIterations
        if mode == .sawtooth, workloadIteration > 0, workloadIteration % settings.tooth == 0 {
            for block in buffer { free(block) }
            buffer.removeAll(keepingCapacity: true)
        }
        // Warm-up allocates and frees every iteration; the workload allocates on its leaking
        // iterations only: from `onset`, once every `every`.
        let leaking = workloadIteration >= settings.onset && (workloadIteration - settings.onset) % settings.every == 0
        guard workloadIteration < 0 || leaking else { return }
        for _ in 0..<settings.objectsPerIteration {
            guard let block = malloc(settings.objectBytes) else { throw DripAllocationFailed() }
            dripTouch(block, settings.objectBytes, index)
            switch mode {
            case .leak where leaking:
                break  // the pointer is dropped: the block is lost
            case .sawtooth where leaking:
                buffer.append(block)
            default:
                free(block)  // the fix, and every warm-up block
            }
        }
    }

    /// Short-lived blocks of varied sizes and counts, freed before the iteration ends.
    private func churn(_ index: Int, context: ScenarioContext) {
        guard settings.churn > 0 else { return }
        let count = Int.random(in: 0...(2 * settings.churn), using: &context.random)
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count {
            let bytes = Int.random(in: 1...settings.churnMaxBytes, using: &context.random)
            guard let block = malloc(bytes) else { continue }
            dripTouch(block, bytes, index)
            blocks.append(block)
        }
        for block in blocks { free(block) }
    }

    func tearDown(context: ScenarioContext) async throws {
        for block in buffer { free(block) }
        buffer.removeAll()
    }
}
// leaklab:end drip-sawtooth
// leaklab:end drip-clean
// leaklab:end drip-leaky

struct DripAllocationFailed: Error, CustomStringConvertible {
    var description: String { "malloc returned NULL: out of memory" }
}
