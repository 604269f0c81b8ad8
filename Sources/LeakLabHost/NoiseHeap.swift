import Glibc
import LeakLabKit

/// Background allocations that come and go, so detectors face a realistic heap rather than one
/// where only the leak moves.
///
/// Keeps `live` buffers, each of a random size (16 B up to `maxBytes`) fixed per slot; each
/// iteration frees `perIteration` of them at random and allocates a replacement of the slot's
/// size. Addresses move and the heap fragments as in a real program, but the total is constant:
/// noise never leaks, and never drifts (random sizes per replacement would make a random walk).
final class NoiseHeap {
    private var slots: [UnsafeMutableRawPointer?]
    private var sizes: [Int]
    private let perIteration: Int
    private var random: SeededRandom

    init(parameters: ParameterValues) {
        slots = Array(repeating: nil, count: parameters.integer("noise-live"))
        perIteration = parameters.integer("noise-per-iteration")
        var random = SeededRandom(seed: UInt64(parameters.integer("seed")) &* 31 &+ 7)
        sizes = slots.map { _ in Int.random(in: 16...parameters.integer("noise-max-bytes"), using: &random) }
        self.random = random
    }

    /// Fills every slot, before the baseline is taken.
    func fill() {
        for index in slots.indices { replace(index) }
    }

    /// Replaces `perIteration` random slots.
    func churn() {
        guard !slots.isEmpty else { return }
        for _ in 0..<perIteration {
            replace(Int.random(in: 0..<slots.count, using: &random))
        }
    }

    /// Frees everything.
    func release() {
        for index in slots.indices {
            free(slots[index])
            slots[index] = nil
        }
    }

    private func replace(_ index: Int) {
        free(slots[index])
        let size = sizes[index]
        let buffer = malloc(size)
        // Touch it so it is resident, as real data would be.
        buffer?.storeBytes(of: UInt8(truncatingIfNeeded: size), as: UInt8.self)
        slots[index] = buffer
    }
}
