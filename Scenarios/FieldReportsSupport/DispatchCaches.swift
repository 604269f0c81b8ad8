import Dispatch

/// libdispatch keeps freed work items ("continuations") in a per-thread free list, up to a limit,
/// instead of returning them to malloc. A short run of a clean variant that uses Dispatch (directly,
/// or through Foundation or the concurrency runtime) therefore shows a slope until those lists are
/// full: bounded, but a slope. Clean kernels call ``fill()`` in `setUp` so the workload starts from
/// full caches; it costs a few milliseconds.
package enum DispatchCaches {
    /// Runs `items` empty work items on the global queues at every QoS and waits for them, so each
    /// worker thread frees (and caches) many continuations.
    package static func fill(items: Int = 20_000) {
        let group = DispatchGroup()
        for qos in [DispatchQoS.QoSClass.userInitiated, .default, .utility, .background] {
            let queue = DispatchQueue.global(qos: qos)
            for _ in 0..<items / 4 { queue.async(group: group) {} }
        }
        group.wait()
    }
}
