import LeakLabKit

/// The live Swift tasks of a child at one moment, grouped like a Go goroutine profile: tasks in
/// the same state waiting at the same chain of resume points form one group.
///
/// The child takes it (at the end of settle) by scanning its own memory and sends code addresses
/// as module + file offset; the runner names them (``Frame/function``, ``Group/waitsIn``,
/// ``Group/creator``) from the modules' symbol tables. See docs/task-census.md.
public struct TaskCensus: Codable, Sendable, Equatable {
    public var phase: Phase
    /// Iterations completed when it was taken.
    public var iteration: Int
    /// Live (not completed) tasks: the sum of the groups' counts plus ``ungrouped``.
    public var tasks: Int
    /// Completed tasks still referenced (a kept `Task` handle); not in ``tasks``.
    public var completed: Int
    /// Tasks counted but not grouped (more tasks or groups than the census holds).
    public var ungrouped: Int
    /// Wall time of the census inside the child (scan, chains, grouping), milliseconds.
    public var millis: Double
    /// Paths of the modules frames point into; ``Frame/module`` indexes this.
    public var modules: [String]
    /// Largest first.
    public var groups: [Group]

    public init(
        phase: Phase, iteration: Int, tasks: Int, completed: Int = 0, ungrouped: Int = 0, millis: Double,
        modules: [String], groups: [Group]
    ) {
        self.phase = phase
        self.iteration = iteration
        self.tasks = tasks
        self.completed = completed
        self.ungrouped = ungrouped
        self.millis = millis
        self.modules = modules
        self.groups = groups
    }

    /// What a task is doing, from its ActiveTaskStatus.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Waiting for something to resume it (a continuation, a task, a group, a timer).
        case suspended
        /// Runnable, in an executor's queue.
        case enqueued
        /// On a thread.
        case running
    }

    /// Tasks that share state, cancellation and resume-point chain.
    public struct Group: Codable, Sendable, Equatable {
        public var count: Int
        public var state: State
        public var cancelled: Bool
        /// Resume points, innermost first: where the task resumes, then each caller's.
        public var frames: [Frame]
        /// The innermost frame outside the Swift runtime, named: where the tasks wait.
        public var waitsIn: String?
        /// The function whose closure the tasks run (the outermost frame's enclosing function),
        /// when the outermost frame is a closure: usually the code that created them.
        public var creator: String?

        public init(count: Int, state: State, cancelled: Bool, frames: [Frame], waitsIn: String? = nil, creator: String? = nil) {
            self.count = count
            self.state = state
            self.cancelled = cancelled
            self.frames = frames
            self.waitsIn = waitsIn
            self.creator = creator
        }

        /// `suspended`, `suspended, cancelled`.
        public var stateText: String { cancelled ? "\(state.rawValue), cancelled" : state.rawValue }
    }

    /// One resume point.
    public struct Frame: Codable, Sendable, Equatable {
        /// Index into ``TaskCensus/modules``; -1 when the address is in no file mapping.
        public var module: Int
        /// File offset of the address in the module (the address itself when `module` is -1).
        public var offset: Int
        /// The demangled function, when the module's symbols name it.
        public var function: String?

        public init(module: Int, offset: Int, function: String? = nil) {
            self.module = module
            self.offset = offset
            self.function = function
        }
    }

    /// Suspended tasks (cancelled or not): those nothing is running or about to run.
    public var suspended: Int {
        groups.filter { $0.state == .suspended }.reduce(0) { $0 + $1.count }
    }
}
