import LeakLabKit

// leaklab:begin lru-bounded
/// A least-recently-used cache: a dictionary for lookup and a doubly linked list for recency.
final class LRUCache<Key: Hashable, Value> {
    private final class Node {
        let key: Key
        var value: Value
        var newer: Node?
        weak var older: Node?  // weak: the list's forward links own the nodes, no cycles
        init(key: Key, value: Value) {
            self.key = key
            self.value = value
        }
    }

    let capacity: Int
    private var nodes: [Key: Node] = [:]
    private var oldest: Node?
    private weak var newest: Node?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        nodes.reserveCapacity(self.capacity + 1)
    }

    var count: Int { nodes.count }

    func value(for key: Key) -> Value? {
        guard let node = nodes[key] else { return nil }
        unlink(node)
        append(node)
        return node.value
    }

    func insert(_ value: Value, for key: Key) {
        if let node = nodes[key] {
            node.value = value
            unlink(node)
            append(node)
            return
        }
        let node = Node(key: key, value: value)
        nodes[key] = node
        append(node)
        if nodes.count > capacity, let victim = oldest {  // the bound: evict the least recently used
            unlink(victim)
            nodes[victim.key] = nil
        }
    }

    private func append(_ node: Node) {
        node.older = newest
        node.newer = nil
        if let newest { newest.newer = node } else { oldest = node }
        newest = node
    }

    private func unlink(_ node: Node) {
        if let older = node.older { older.newer = node.newer } else { oldest = node.newer }
        if let newer = node.newer { newer.older = node.older } else { newest = node.older }
        node.newer = nil
        node.older = nil
    }
}

/// The memo cache of `no-eviction` with a bound: the same keys, the same values.
final class LRUBoundedCache: ScenarioWorkload {
    let cache: LRUCache<Int, [UInt8]>
    let valueBytes: Int
    init(valueBytes: Int, capacity: Int) {
        self.valueBytes = valueBytes
        self.cache = LRUCache(capacity: capacity)
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let requestID = index
        if cache.value(for: requestID) == nil {
            cache.insert(computeResponse(for: requestID, bytes: valueBytes), for: requestID)
        }
    }
}
// leaklab:end lru-bounded
