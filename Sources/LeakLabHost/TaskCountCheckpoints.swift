/// Where in the workload a periodic sample must count tasks: the first sample at or after each
/// seventh of it (six checkpoints; the last sample of the workload counts anyway).
///
/// The task probe skips most periodic counts (a scan costs ~0.3 ms; `TaskProbe.budgetShare`), and a short
/// workload can pass between two counts it allows. The per-iteration task growth is a slope over
/// the workload's samples that carry `tasks`, from the end of warm-up, and needs at least three:
/// with these six and the workload's last sample it has eight however short the workload, at ~2 ms a run. With fewer (three),
/// the slope of thousands of sleeping loops, whose count dips while many wake, read 1.6–2.1 tasks
/// per iteration against 2.
struct TaskCountCheckpoints {
    private let iterations: Int
    private var passed = 0
    private static let count = 6

    /// - Parameter iterations: the phase's iterations; 0 for a phase that needs no checkpoints.
    init(iterations: Int) {
        self.iterations = iterations
    }

    /// Whether the sample taken after `done` iterations of the phase is the first at or past the
    /// next checkpoint.
    mutating func reached(_ done: Int) -> Bool {
        guard iterations > 0, passed < Self.count, done * (Self.count + 1) >= iterations * (passed + 1) else { return false }
        passed += 1
        return true
    }
}
