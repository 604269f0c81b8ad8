import LeakLabKit

/// An in-memory log that keeps every formatted line, and its fix, a ring buffer of the last lines.
let stringLogScenario = Scenario(
    id: "example-string-log",
    title: "An in-memory log that keeps every line",
    pattern: .unboundedCache,
    summary: """
        Each request formats an access-log line and appends it to an array the service keeps for \
        its debug page. Nothing ever trims the array, so it holds every line since start-up: a \
        logical leak, still referenced from a live object.
        """,
    training: Training(
        symptoms: """
            Heap bytes and live allocations grow by one string per request (its storage plus the \
            array's slot), with steps where the array doubles its capacity; RSS follows. fds and \
            threads stay flat.
            """,
        detection: """
            Allocation trends (stats.allocated, mallocs − frees) and the settle check see it. valgrind \
            and LeakSanitizer do not: the array is reachable from the workload, so at exit valgrind \
            counts it as 'still reachable' and LeakSanitizer does not report it. heaptrack shows \
            the growth by call site (formatLogLine).
            """,
        fix: """
            Keep a bounded window: a ring buffer of the last N lines (as here), or write lines to a \
            sink (a file, the logging backend) instead of memory.
            """,
        mirrors: "Go: a package-level slice appended to for every request (`var debugLog []string`)."),
    parameters: [
        .integer("line-bytes", default: 100, range: 16...1 << 20, help: "UTF-8 bytes of each formatted line"),
        .integer("capacity", default: 256, range: 1...1_000_000, help: "lines the ring buffer keeps (ring-of-last-lines)"),
    ],
    defaultIterations: 2_000,
    defaultWarmUp: 300,
    variants: [
        Variant(
            name: "keep-every-line", role: .leaky,
            summary: "every line is appended to an array that is never trimmed",
            truth: .leak(
                reachable: true, bytes: 178, objects: 1,
                note: """
                    Measured with `leaklab run example-string-log/keep-every-line --malloc-conf \
                    tcache:false` (jemalloc, thread cache off): 178 B and 1 allocation per request \
                    over the default 2,000 iterations; 160 B at 1,000 iterations, 181 B at 8,000. \
                    Each line is one native string of 100 UTF-8 bytes + a 32 B header + its NUL, \
                    which jemalloc serves from its 160 B size class; the rest is the array's 16 B \
                    slot per line, paid in steps when the array doubles its storage (so the slope \
                    moves a little with the iteration count). Reachable from the log array.
                    """),
            source: SourceLocation(region: "keep-every-line"),
            makeWorkload: { KeepEveryLine(lineBytes: $0.integer("line-bytes")) }),
        Variant(
            name: "ring-of-last-lines", role: .fixed,
            summary: "a ring buffer of the last `capacity` lines: each new line frees the oldest",
            truth: .clean(
                note: """
                    Full after `capacity` warm-up requests (256 of the 300); afterwards each line \
                    replaces, and frees, the oldest. Measured: 0 B and 0 allocations per request.
                    """),
            source: SourceLocation(region: "ring-of-last-lines"),
            makeWorkload: { RingOfLastLines(lineBytes: $0.integer("line-bytes"), capacity: $0.integer("capacity")) }),
    ])
