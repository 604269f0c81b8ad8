import LeakLabKit

// leaklab:begin generational-trim
/// A pool modelled on Go's sync.Pool: idle buffers live in a primary generation; each trim cycle
/// (Go runs one per garbage collection) moves the primary to a victim cache and frees the old
/// victims. A buffer unused for two cycles is freed, so the pool follows the load down again.
final class GenerationalBufferPool: BufferPool {
    private var primary: [PooledBuffer] = []
    private var victim: [PooledBuffer] = []

    func acquire(sizeClass: Int) -> PooledBuffer {
        primary.popLast() ?? victim.popLast() ?? PooledBuffer(sizeClass: sizeClass)
    }

    func release(_ buffer: PooledBuffer) {
        buffer.reset()
        primary.append(buffer)
    }

    func trim() {
        victim = primary  // the old victims are freed here
        primary = []
    }
}

/// A load test whose concurrency ramps up to `peak` over `ramp` iterations: the pool grows with
/// it, just like a leak would. The pool is trimmed every `trimEvery` iterations and, once the
/// load stops, in settle, where two idle cycles free everything.
final class RampingLoadOnGenerationalPool: ScenarioWorkload {
    let pool = GenerationalBufferPool()
    let peak: Int, ramp: Int, trimEvery: Int, sizeClass: Int, payloadBytes: Int
    init(peak: Int, ramp: Int, trimEvery: Int, sizeClass: Int, payloadBytes: Int) {
        self.peak = peak
        self.ramp = max(1, ramp)
        self.trimEvery = max(1, trimEvery)
        self.sizeClass = sizeClass
        self.payloadBytes = payloadBytes
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let concurrency = min(peak, 1 + index * peak / ramp)
        serveRequests(pool: pool, concurrency: concurrency, sizeClass: sizeClass, payloadBytes: payloadBytes, seed: index)
        if (index + 1) % trimEvery == 0 { pool.trim() }
    }

    func settle(context: ScenarioContext) async throws {
        pool.trim()  // idle for one cycle: into the victim cache
        pool.trim()  // idle for two: freed
    }
}
// leaklab:end generational-trim
