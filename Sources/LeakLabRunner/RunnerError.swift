/// An error the runner reports to the user, with the exit code it maps to (README.md, "Exit codes").
public enum RunnerError: Error, CustomStringConvertible, Equatable {
    /// Bad input: an unknown scenario, variant, allocator or parameter. Exit 2.
    case usage(String)
    /// Something the run needs is not installed. Exit 2.
    case unavailable(String)
    /// The lab itself failed. Exit 3.
    case internalFailure(String)

    public var description: String {
        switch self {
        case .usage(let message), .unavailable(let message), .internalFailure(let message): message
        }
    }

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch self {
        case .usage, .unavailable: 2
        case .internalFailure: 3
        }
    }
}
