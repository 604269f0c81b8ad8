import LeakLabKit

/// A small slice of a big buffer, kept in a long-lived list, keeps the whole buffer alive.
let sliceRetentionScenario = Scenario(
    id: "slice-retention",
    title: "A sub-slice that keeps its whole base buffer alive",
    pattern: .closureCapture,
    summary: """
        Each iteration receives a 64 KiB message and keeps its 16-byte header in a long-lived index. \
        The header is an ArraySlice of the message, and a slice shares its base's storage: the index \
        keeps every whole message alive. Substring does the same to a String.
        """,
    training: Training(
        symptoms: """
            Heap bytes grow by a whole message (81,920 B here: 64 KiB plus the array header lands in \
            jemalloc's 80 KiB size class) per iteration, though the program only means to keep 16 B; \
            RSS climbs fast; live allocations grow by one per iteration.
            """,
        detection: """
            Every allocation-based detector sees a slope this steep. valgrind and LeakSanitizer see \
            nothing: the index still reaches each buffer through its slice. A heap profile points at \
            the code that allocated the message, not at the code that kept the slice, so reading it \
            takes knowing that slices share storage.
            """,
        fix: """
            Copy the part you keep out of the big buffer (`Array(slice)`, `String(substring)`) before \
            storing it anywhere long-lived. The copy is what the index was meant to hold: it still \
            grows by one small header per message, as designed, 1,400 times less.
            """,
        mirrors: """
            Go: a small sub-slice `buf[:16]` of a large slice kept in a long-lived map or slice \
            keeps the whole backing array alive; the fix there is also to copy.
            """),
    parameters: [
        .integer(
            "message-bytes", default: 65_536, range: 1_024...1 << 20,
            help: "size of each received message (the base the slice keeps alive)"),
        .integer(
            "header-bytes", default: 16, range: 1...1_024,
            help: "bytes of each message the index means to keep"),
    ],
    defaultIterations: 1_500,
    defaultWarmUp: 20,
    variants: [
        Variant(
            name: "slice-kept", role: .leaky,
            summary: "the index stores `message[0..<16]`, an ArraySlice sharing the message's storage",
            truth: .leak(
                .heap(.reachable, bytes: 81_964, objects: 1),
                note: """
                    Measured 81,974 B and 1 allocation per iteration (jemalloc, tcache off): one \
                    whole message, 65,536 B + 32 B array header rounded up to jemalloc's 81,920 B \
                    size class, plus the index's 32 B ArraySlice slot (about 54 B amortized over \
                    its doublings). Reachable from the index through each slice.
                    """),
            source: SourceLocation(region: "slice-kept"),
            makeWorkload: { SliceKept(messageBytes: $0.integer("message-bytes"), headerBytes: $0.integer("header-bytes")) }),
        Variant(
            name: "copied-out", role: .fixed,
            summary: "the index stores `Array(message[0..<16])`: the message is freed, only 16 B stay",
            truth: .leak(
                .heap(.reachable, bytes: 59, objects: 1),
                note: """
                    Not zero, and honestly so: the index is unbounded by design. Measured 63 B and \
                    1 allocation per iteration: one 48 B copy (16 header bytes + 32 B array header) \
                    and the index's 8 B slot, about 15 B amortized over its doublings. The fix \
                    removed the 81,920 B amplification, not the index.
                    """),
            source: SourceLocation(region: "copied-out"),
            makeWorkload: { CopiedOut(messageBytes: $0.integer("message-bytes"), headerBytes: $0.integer("header-bytes")) }),
    ])
