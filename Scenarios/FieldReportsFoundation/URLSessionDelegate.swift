import FieldReportsSupport
import Foundation
import LeakLabKit

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client that owns a URLSession and is its delegate, never invalidated (OpenCloudKit #17,
/// Swifter #189): the session keeps its delegate until it is invalidated, so neither goes away.
let urlSessionDelegateScenario = Scenario(
    id: "field-urlsession-delegate",
    title: "A URLSession whose delegate owns it, never invalidated (OpenCloudKit #17, Swifter #189)",
    pattern: .closureCapture,
    summary: """
        Each request builds a client object that creates its own `URLSession` with itself as the \
        delegate, and drops the client when done. A session keeps a strong reference to its \
        delegate until it is invalidated, and the client keeps the session: a cycle that ARC never \
        breaks. On Linux each session also holds libcurl's multi handle, whose wake-up socket pair \
        costs two file descriptors. Reported against Swift libraries that also build on Linux; \
        documented behaviour, so it still leaks on Swift 6.3.1.
        """,
    training: Training(
        symptoms: """
            What users saw: every request object stays alive (deinit never runs), memory grows with \
            requests. Here, on Linux, heap bytes grow by a session, its configuration, its work \
            queue and the client per request, and two file descriptors per request, so the process \
            reaches its open-files limit (EMFILE) long before it runs out of memory.
            """,
        detection: """
            Root cause: `URLSession` retains its delegate until `invalidateAndCancel()` or \
            `finishTasksAndInvalidate()`; a delegate that owns its session closes the cycle. The \
            fds make it visible to the resources check (open fds from /proc) long before memory \
            does; allocation trends see the slope. Nothing outside the cycle points at the client or \
            its session, so valgrind memcheck reports them as lost (checked with `validate \
            --detectors memcheck`), and LeakSanitizer should too.
            """,
        fix: """
            The fix both reports merged: invalidate the session when the client is done with it \
            (`finishTasksAndInvalidate()` after the last task, or `invalidateAndCancel()`); the \
            session then drops its delegate and closes its curl handles. Better still, share one \
            session for the process and pass per-request state another way.
            """,
        mirrors: "Go: an http.Client with its own Transport per request, never CloseIdleConnections(): sockets pile up."),
    parameters: [],
    defaultIterations: 300,
    defaultWarmUp: 20,
    variants: [
        Variant(
            name: "session-never-invalidated", role: .leaky,
            summary: "the client creates a session with itself as delegate and is dropped without invalidating it",
            truth: .leak(
                .heap(.unreachable, bytes: 9_300, objects: 40), .fds(2),
                note: """
                    Measured 9,312 B, 40 allocations and 2 fds per request at the default 300 \
                    iterations, 9,328 B at 4,000 (release build, jemalloc with tcache off): the client, the session, its configuration, \
                    operation queue and libcurl multi handle, whose wake-up socket pair is the two \
                    fds. The kernel counts live clients and checks all of them are still alive at \
                    tear-down. At 4,000 iterations the run reaches its fd budget and curl's socket \
                    pairs start failing (1 fd per iteration): keep runs short. Unreachable: only \
                    the cycle holds the client and its session; memcheck reports them lost.
                    """),
            source: SourceLocation(region: "session-never-invalidated"),
            makeWorkload: { _ in SessionNeverInvalidated() }),
        Variant(
            name: "session-invalidated", role: .fixed,
            summary: "the client calls finishTasksAndInvalidate() when done: the session drops its delegate",
            truth: .clean(
                note: """
                    Measured 0 B per request at 300 and 600 iterations once libdispatch's per-thread \
                    caches are full (setUp fills them: without that, the first ~1,000 sessions show \
                    ~50-130 B each, which stops by 3,000). The kernel checks no client outlives settle.
                    """),
            source: SourceLocation(region: "session-invalidated"),
            makeWorkload: { _ in SessionInvalidated() }),
    ],
    references: [
        Reference(
            url: "https://github.com/BennyKJohnson/OpenCloudKit/pull/17",
            title: "Fix memory leaks; fix travis file; linux build", date: "2018-01-29"),
        Reference(
            url: "https://github.com/mattdonnelly/Swifter/pull/189",
            title: "Fix leak in HTTPRequest.start()", date: "2017-05-16"),
    ])

/// A per-request API client that is its own session's delegate, as both reports' code was.
final class FeedClient: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    static let live = LiveCount("live FeedClient objects")
    private(set) var session: URLSession!
    /// Signalled when the client goes (nil: nobody waits).
    private let released: DispatchSemaphore?

    init(released: DispatchSemaphore? = nil) {
        self.released = released
        super.init()
        Self.live.increment()
        session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
    }

    deinit {
        Self.live.decrement()
        released?.signal()
    }

    /// Builds the request the client would send (nothing is sent: no network here).
    func prepareRequest(_ index: Int) -> URLRequest {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:9/feed?page=\(index)")!)
        request.timeoutInterval = session.configuration.timeoutIntervalForRequest
        return request
    }
}

/// Counts iterations and checks, at tear-down, how many clients the kernel itself sees alive.
class FeedClientWorkload: ScenarioWorkload {
    var iterations = 0
    let baseline = FeedClient.live.live
    /// The clients this variant may leave alive after `iterations` requests.
    func expectedLive(after iterations: Int) -> ClosedRange<Int> { 0...0 }
    func iteration(_ index: Int, context: ScenarioContext) async throws {}
    func setUp(context: ScenarioContext) async throws {}
    func settle(context: ScenarioContext) async throws {}

    func tearDown(context: ScenarioContext) async throws {
        try IndependentCheckFailed.check(
            "live FeedClient objects", expected: expectedLive(after: iterations),
            measured: FeedClient.live.live - baseline, iterations: iterations)
    }
}

// leaklab:begin session-never-invalidated
/// One client per request, dropped when the request is built: the session keeps it alive.
final class SessionNeverInvalidated: FeedClientWorkload {
    override func iteration(_ index: Int, context: ScenarioContext) async throws {
        let client = FeedClient()
        _ = client.prepareRequest(index)
        iterations += 1
        // client → session → delegate (client): nothing invalidates the session, nothing is freed.
    }
    override func expectedLive(after iterations: Int) -> ClosedRange<Int> { iterations...iterations }
}
// leaklab:end session-never-invalidated

// leaklab:begin session-invalidated
/// The same client, whose session is invalidated when the request is done.
///
/// Each request waits until its client has gone. Invalidation completes on the session's own
/// queue, and on a busy machine that queue falls behind: without the wait, a random number of
/// sessions (~9.4 kB each) are still in flight at each sample, and a run's slope wandered from
/// 0 to 188 B per request with nothing leaked.
final class SessionInvalidated: FeedClientWorkload {
    private let released = DispatchSemaphore(value: 0)

    override func iteration(_ index: Int, context: ScenarioContext) async throws {
        do {
            let client = FeedClient(released: released)
            defer { client.session.finishTasksAndInvalidate() }  // the fix: the session lets go of its delegate
            _ = client.prepareRequest(index)
            iterations += 1
        }
        try waitUntilReleased(iterations)
    }

    /// Blocks until the session has let go of this request's client, at most 10 s.
    private func waitUntilReleased(_ iterations: Int) throws {
        guard released.wait(timeout: .now() + .seconds(10)) == .success else {
            throw IndependentCheckFailed(
                "live FeedClient objects 10 s after invalidation", expected: 0...0,
                measured: FeedClient.live.live - baseline, iterations: iterations)
        }
    }

    override func setUp(context: ScenarioContext) async throws { DispatchCaches.fill() }

    /// Invalidation completes on the session's queue: give it a moment after the last request.
    override func settle(context: ScenarioContext) async throws {
        for _ in 0..<500 where FeedClient.live.live > baseline { try await Task.sleep(nanoseconds: 10_000_000) }
    }
}
// leaklab:end session-invalidated
