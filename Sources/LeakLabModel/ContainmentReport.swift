/// What the runner had to contain in one run, beyond its outcome: leftover processes it killed,
/// output it dropped, lines on the lab's channel it could not read, the cgroup's counters.
///
/// JSON (`containment` in a run record): `{cgroup: "cgroup v2" | "cgroup v1" | "none",
/// killedLeftovers: ["name (pid N)"], outputBytes, outputKeptBytes, undecodableLines,
/// overlongLines, discardedChannelBytes, groupMemoryPeak?, pidsRefused?}`.
public struct ContainmentReport: Codable, Sendable, Equatable {
    /// Which cgroups held the run: `cgroup v2`, `cgroup v1`, or `none` (watchdog, RLIMIT_DATA and
    /// the run token only).
    public var cgroup: String
    /// Processes the run left behind (daemons, forked children holding fd 3) that the runner killed
    /// after the child ended, as `name (pid N)`.
    public var killedLeftovers: [String]
    /// Bytes the child and its descendants wrote to stdout and stderr.
    public var outputBytes: Int
    /// How many of them (the last ones) the runner kept; the rest were dropped as they came.
    public var outputKeptBytes: Int
    /// Lines on fd 3 that were not a message the runner knows.
    public var undecodableLines: Int
    /// Lines on fd 3 longer than the runner's line cap, dropped unread.
    public var overlongLines: Int
    /// Bytes dropped with the overlong lines.
    public var discardedChannelBytes: Int
    /// The memory group's peak charge, bytes (tmpfs and memfd pages included, which RSS misses).
    public var groupMemoryPeak: Int?
    /// Threads and processes pids.max refused.
    public var pidsRefused: Int?

    public init(
        cgroup: String, killedLeftovers: [String] = [], outputBytes: Int = 0, outputKeptBytes: Int = 0,
        undecodableLines: Int = 0, overlongLines: Int = 0, discardedChannelBytes: Int = 0,
        groupMemoryPeak: Int? = nil, pidsRefused: Int? = nil
    ) {
        self.cgroup = cgroup
        self.killedLeftovers = killedLeftovers
        self.outputBytes = outputBytes
        self.outputKeptBytes = outputKeptBytes
        self.undecodableLines = undecodableLines
        self.overlongLines = overlongLines
        self.discardedChannelBytes = discardedChannelBytes
        self.groupMemoryPeak = groupMemoryPeak
        self.pidsRefused = pidsRefused
    }

    /// Whether output was dropped at the cap.
    public var outputCapped: Bool { outputBytes > outputKeptBytes }

    /// What deserves a user's attention, as short clauses; empty when nothing happened.
    public var notes: [String] {
        var notes: [String] = []
        if !killedLeftovers.isEmpty {
            notes.append(
                "killed \(killedLeftovers.count) leftover process\(killedLeftovers.count == 1 ? "" : "es") after the run: \(killedLeftovers.prefix(5).joined(separator: ", "))\(killedLeftovers.count > 5 ? ", …" : "")"
            )
        }
        if outputCapped {
            notes.append(
                "output capped: \(Self.mebibytes(outputBytes)) written to stdout/stderr; the runner kept the last \(Self.mebibytes(outputKeptBytes)), the record (childOutput) its last 4 KiB"
            )
        }
        if overlongLines > 0 {
            notes.append(
                "\(overlongLines) overlong line\(overlongLines == 1 ? "" : "s") on the lab's channel (fd 3) dropped unread (\(Self.mebibytes(discardedChannelBytes)))"
            )
        }
        if undecodableLines > 0 {
            notes.append("\(undecodableLines) undecodable line\(undecodableLines == 1 ? "" : "s") on the lab's channel (fd 3)")
        }
        return notes
    }

    private static func mebibytes(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) B"
    }
}
