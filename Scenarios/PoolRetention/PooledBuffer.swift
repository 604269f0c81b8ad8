import LeakLabKit

/// A request as a server sees it: its body.
final class Request {
    let payload: [UInt8]
    init(payloadBytes: Int, seed: Int) {
        payload = [UInt8](repeating: UInt8(truncatingIfNeeded: seed), count: payloadBytes)
    }
}

/// A reusable I/O buffer. While in use it holds the request it serves; a pool should drop that
/// reference on return, or every idle buffer keeps a finished request alive.
final class PooledBuffer {
    /// The capacity class it was made for; `bytes.count` is only what the last request used.
    let sizeClass: Int
    var bytes: [UInt8] = []
    var request: Request?

    init(sizeClass: Int) {
        self.sizeClass = sizeClass
        bytes.reserveCapacity(sizeClass)
    }

    /// Copies the request's body in (within capacity: no reallocation) and remembers the request.
    func fill(from request: Request) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: request.payload.prefix(sizeClass))
        self.request = request
    }

    /// What a pool must do on return: forget the request, keep the capacity.
    func reset() {
        request = nil
        bytes.removeAll(keepingCapacity: true)
    }
}

/// What every pool in this scenario offers.
protocol BufferPool: AnyObject {
    func acquire(sizeClass: Int) -> PooledBuffer
    func release(_ buffer: PooledBuffer)
}

/// Serves `concurrency` requests at once: each gets a buffer from the pool, and all buffers go
/// back when the requests are done.
func serveRequests(pool: some BufferPool, concurrency: Int, sizeClass: Int, payloadBytes: Int, seed: Int) {
    var inFlight: [PooledBuffer] = []
    inFlight.reserveCapacity(concurrency)
    for request in 0..<concurrency {
        let buffer = pool.acquire(sizeClass: sizeClass)
        buffer.fill(from: Request(payloadBytes: payloadBytes, seed: seed &+ request))
        inFlight.append(buffer)
    }
    for buffer in inFlight { pool.release(buffer) }
}
