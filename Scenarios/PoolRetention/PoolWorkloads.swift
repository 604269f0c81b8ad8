import LeakLabKit

// leaklab:begin keyed-by-bytes-used
/// A pool with a keying bug: acquire looks buffers up by size class, release files them under
/// the bytes the last request used. Nothing returned is ever found again, so every request
/// allocates a new buffer and the idle lists grow forever, each buffer still holding its request.
final class MiskeyedBufferPool: BufferPool {
    private var idle: [Int: [PooledBuffer]] = [:]

    func acquire(sizeClass: Int) -> PooledBuffer {
        idle[sizeClass]?.popLast() ?? PooledBuffer(sizeClass: sizeClass)
    }

    func release(_ buffer: PooledBuffer) {
        idle[buffer.bytes.count, default: []].append(buffer)  // bug: bytes used, not sizeClass; no reset
    }
}
// leaklab:end keyed-by-bytes-used

// leaklab:begin bounded-and-reset
/// The fixed pool: filed under the size class it is looked up by, reset on return (the request is
/// dropped), and at most `maxIdle` idle buffers per class; extra ones are simply freed.
final class BoundedBufferPool: BufferPool {
    private var idle: [Int: [PooledBuffer]] = [:]
    let maxIdle: Int
    init(maxIdle: Int) { self.maxIdle = maxIdle }

    func acquire(sizeClass: Int) -> PooledBuffer {
        idle[sizeClass]?.popLast() ?? PooledBuffer(sizeClass: sizeClass)
    }

    func release(_ buffer: PooledBuffer) {
        buffer.reset()
        guard idle[buffer.sizeClass, default: []].count < maxIdle else { return }  // over the bound: free it
        idle[buffer.sizeClass, default: []].append(buffer)
    }
}
// leaklab:end bounded-and-reset

/// Runs `concurrency` requests per iteration through a pool.
final class PoolWorkload<Pool: BufferPool>: ScenarioWorkload {
    let pool: Pool
    let concurrency: Int, sizeClass: Int, payloadBytes: Int
    init(pool: Pool, concurrency: Int, sizeClass: Int, payloadBytes: Int) {
        self.pool = pool
        self.concurrency = concurrency
        self.sizeClass = sizeClass
        self.payloadBytes = payloadBytes
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        serveRequests(pool: pool, concurrency: concurrency, sizeClass: sizeClass, payloadBytes: payloadBytes, seed: index)
    }
}
