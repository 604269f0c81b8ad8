import LeakLabKit

/// Stands in for the expensive work a cache saves: builds a response of `bytes` bytes.
@inline(never)
func computeResponse(for key: Int, bytes: Int) -> [UInt8] {
    [UInt8](repeating: UInt8(truncatingIfNeeded: key), count: bytes)
}

// leaklab:begin no-eviction
/// A memo cache keyed by request id: ids never repeat, so it never hits and never shrinks.
final class NoEvictionCache: ScenarioWorkload {
    var cache: [Int: [UInt8]] = [:]  // lives as long as the service
    let valueBytes: Int
    init(valueBytes: Int) { self.valueBytes = valueBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let requestID = index  // unique per request
        if cache[requestID] == nil {
            cache[requestID] = computeResponse(for: requestID, bytes: valueBytes)
        }
    }
}
// leaklab:end no-eviction

// leaklab:begin finite-key-set
/// The same cache, keyed by something with few values (a product id, a locale): it fills once.
final class FiniteKeySetCache: ScenarioWorkload {
    var cache: [Int: [UInt8]] = [:]
    let valueBytes: Int, distinctKeys: Int
    init(valueBytes: Int, distinctKeys: Int) {
        self.valueBytes = valueBytes
        self.distinctKeys = distinctKeys
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let productID = index % distinctKeys  // a finite key set
        if cache[productID] == nil {
            cache[productID] = computeResponse(for: productID, bytes: valueBytes)
        }
    }
}
// leaklab:end finite-key-set

// leaklab:begin cleared-keeping-capacity
/// A scratch table reused per batch: cleared with its capacity kept, so it never reallocates.
final class ClearedKeepingCapacity: ScenarioWorkload {
    var scratch: [Int: [UInt8]] = [:]
    let valueBytes: Int, batch: Int
    init(valueBytes: Int, batch: Int) {
        self.valueBytes = valueBytes
        self.batch = batch
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        scratch[index] = computeResponse(for: index, bytes: valueBytes)
        if scratch.count >= batch {
            // "flush" the batch; the values are freed, the table's storage is kept for the next one
            scratch.removeAll(keepingCapacity: true)
        }
    }
}
// leaklab:end cleared-keeping-capacity
