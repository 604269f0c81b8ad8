import LeakLabKit

/// A file opened on every call and closed only on the happy path.
let unclosedFilesScenario = Scenario(
    id: "unclosed-files",
    title: "A file descriptor leaked on an early return",
    pattern: .unclosedHandles,
    summary: """
        Each iteration opens a file to read a header and returns early when the header is short, \
        before reaching close(). The early-return path is the common one here, so one descriptor \
        leaks per iteration and no heap memory at all.
        """,
    training: Training(
        symptoms: """
            The open-fd count (/proc/PID/fd) grows by one per iteration; heap bytes, allocations and \
            RSS stay flat. It ends in EMFILE ('Too many open files') once RLIMIT_NOFILE is reached, \
            often in unrelated code that merely tried to open something.
            """,
        detection: """
            Only resource checks that count fds see it (`resources`, lsof, `ls /proc/PID/fd`). \
            Every heap-based detector, valgrind's leak check and LeakSanitizer report nothing: a \
            descriptor is a kernel object, not heap memory (valgrind's --track-fds=yes does list it).
            """,
        fix: """
            Close on every path: `defer { close(fd) }` right after a successful open, or an owning \
            type (FileHandle, NIO's FileDescriptor with closeAfter) whose scope ends the handle.
            """,
        mirrors: "Go: os.Open without `defer f.Close()`, leaking on the error path."),
    parameters: [],
    defaultIterations: 1_500,
    defaultWarmUp: 50,
    variants: [
        Variant(
            name: "closed-on-happy-path-only", role: .leaky,
            summary: "close() is at the end of the function; the early return skips it",
            truth: .leak(
                .fds(1),
                note: """
                    Measured: +1 fd per iteration, 0 heap bytes and 0 allocations: the leaked \
                    descriptor is kernel state only (an open file description of /dev/null).
                    """),
            source: SourceLocation(region: "closed-on-happy-path-only"),
            makeWorkload: { _ in HeaderReader(closesWithDefer: false) }),
        Variant(
            name: "closed-with-defer", role: .fixed,
            summary: "`defer { close(fd) }` right after open: every path closes",
            truth: .clean(note: "the descriptor is closed before each call returns"),
            source: SourceLocation(region: "closed-with-defer"),
            makeWorkload: { _ in HeaderReader(closesWithDefer: true) }),
    ])
