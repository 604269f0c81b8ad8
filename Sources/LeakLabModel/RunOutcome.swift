/// How a child run ended. Every outcome keeps the samples taken before it.
public enum RunOutcome: String, Codable, Sendable, CaseIterable {
    /// All phases ran and the child exited 0.
    case completed
    /// The child went over a memory or open-file budget and was stopped.
    case budgetExceeded = "budget-exceeded"
    /// The child died from a signal or exited unexpectedly.
    case crashed
    /// The child ran past its wall-time budget; its process group was killed.
    case timedOut = "timed-out"
    /// The scenario's code threw (in set-up, an iteration, settle or tear-down): the plugin
    /// reported an error rather than misbehaving.
    case failed
}
