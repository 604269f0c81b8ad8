import LeakLabKit

/// A loopback HTTP-style exchange whose client socket is never closed.
let unclosedSocketsScenario = Scenario(
    id: "unclosed-sockets",
    title: "A client connection whose response is read but never closed",
    pattern: .unclosedHandles,
    summary: """
        Each iteration connects to a server the workload runs on 127.0.0.1, reads the response to \
        the end and returns without closing its socket. The server closes its end; the client's \
        descriptor stays open in CLOSE_WAIT, one per request.
        """,
    training: Training(
        symptoms: """
            Open fds grow by one per request; `ss -tan` shows the connections piling up in \
            CLOSE_WAIT on the client side. Heap bytes and RSS stay flat (socket buffers are kernel \
            memory). Eventually connect() or accept() fails with EMFILE.
            """,
        detection: """
            Only fd counts see it (`resources`, lsof, ss). Heap detectors, valgrind's leak check \
            and LeakSanitizer report nothing: a socket is kernel state, not heap memory.
            """,
        fix: """
            Close the socket when the response is done: `defer { close(fd) }` right after connect, \
            or a client type that owns the connection and closes (or pools) it when the body ends.
            """,
        mirrors: """
            Go: an http.Response whose Body is never closed (`defer resp.Body.Close()` missing), \
            which keeps the connection and its goroutines alive.
            """),
    parameters: [],
    defaultIterations: 1_500,
    defaultWarmUp: 50,
    variants: [
        Variant(
            name: "response-never-closed", role: .leaky,
            summary: "the client reads the response and returns without close()",
            truth: .leak(
                .fds(1),
                note: """
                    Measured: +1 fd per request, 0 heap bytes and 0 allocations. The server's end \
                    is accepted and closed in the same iteration; only the client's socket stays.
                    """),
            source: SourceLocation(region: "response-never-closed"),
            makeWorkload: { _ in ResponseNeverClosed() }),
        Variant(
            name: "response-closed", role: .fixed,
            summary: "`defer { close(fd) }` right after connect",
            truth: .clean(note: "both ends are closed within the iteration"),
            source: SourceLocation(region: "response-closed"),
            makeWorkload: { _ in ResponseClosed() }),
    ])
