import Dispatch

/// Fills the runtime's bounded per-thread caches before anything is measured.
///
/// libdispatch keeps freed work items (64 B continuations) in a per-thread free list of about a
/// thousand entries that fills at its own pace: without this, a clean variant that uses Dispatch
/// or tasks seems to keep up to ~64 KiB more after a long run than after a short one, which the
/// audit's N-vs-4N check would read as growth.
enum RuntimeWarmUp {
    /// Work items run on the global queues from here; each is freed on the worker that ran it.
    static let workItems = 8_192

    static func fillDispatchCaches() async {
        let group = DispatchGroup()
        for index in 0..<workItems {
            let queue: DispatchQueue = index % 2 == 0 ? .global() : .global(qos: .userInitiated)
            queue.async(group: group) {}
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { continuation.resume() }
        }
    }
}
