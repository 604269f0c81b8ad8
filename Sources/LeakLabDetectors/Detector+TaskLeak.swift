import Foundation
import LeakLabKit
import LeakLabModel

/// `task-leak`: Swift tasks that are suspended and keep accumulating, in the spirit of Go's
/// goroutine-leak profile.
public struct TaskLeakDetector: BuiltInDetector {
    public static let name = "task-leak"
    public static let summary = """
        Counts live Swift tasks (the `tasks` metric: the child scans its own memory for task \
        objects) at the end of warm-up and after settle, and says leak when more than \
        `maximumLeft` are left, at least `perIteration` per workload iteration, and the census \
        taken after settle finds at least half of them suspended — neither running nor enqueued, \
        waiting for something that has not come; its note names where the largest suspended groups \
        wait. Known to fail: tasks that are kept waiting on purpose past the settle phase read as a \
        leak; a task that leaks while running (a busy loop) or memory kept by finished tasks is not \
        its business; `async let` children are not counted on their own; it cannot judge a run \
        without the tasks metric (an unknown runtime layout) or one that ended before settle.
        """

    /// Tasks that may be left in all without it being a leak.
    public var maximumLeft: Double
    /// Tasks per iteration below which what is left is a one-off, not a leak.
    public var perIteration: Double
    /// The share of the tasks left that must be suspended.
    public var minimumSuspendedShare: Double

    public init() { self.init(maximumLeft: 2, perIteration: 0.02, minimumSuspendedShare: 0.5) }

    public init(maximumLeft: Double, perIteration: Double, minimumSuspendedShare: Double) {
        self.maximumLeft = maximumLeft
        self.perIteration = perIteration
        self.minimumSuspendedShare = minimumSuspendedShare
    }

    public func assess(_ trace: Trace) -> DetectorVerdict {
        guard trace.has(.tasks) else { return .failed(Self.name, "metric unavailable: tasks were not counted in this run") }
        let items = trace.workloadItemsDone
        guard items > 0 else { return .failed(Self.name, "no workload samples") }
        guard let kept = trace.afterSettleValue(.tasks), let start = trace.baselineValue(.tasks) else {
            return .failed(Self.name, "no settle samples: the run ended during the workload (\(trace.outcome.rawValue))")
        }
        let left = kept - start
        let rate = left / Double(items)
        let accumulating = left > maximumLeft && rate >= perIteration
        var note = "tasks \(Format.signed(left)) after settle (\(String(format: "%.2f", rate))/iteration)"
        var leak = accumulating
        if let census = trace.census {
            let suspended = Double(census.suspended)
            note += "; census: \(census.tasks) live, \(census.suspended) suspended"
            if accumulating && suspended < minimumSuspendedShare * left {
                leak = false
                note += " — the tasks left are running or enqueued, not waiting"
            }
            let places = census.groups.filter { $0.state == .suspended }.prefix(2).map { group in
                "\(group.count) \(group.cancelled ? "cancelled, " : "")in \(Self.short(group.waitsIn ?? "(unnamed)"))"
            }
            if !places.isEmpty { note += "; waiting: " + places.joined(separator: "; ") }
        } else if accumulating {
            note += "; no census: their state is unknown"
        }
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: nil, resourceRates: ["tasks": rate],
            confidence: leak ? (trace.census == nil ? 0.7 : 0.95) : 0.85, note: note)
    }

    /// A function name cut to 140 characters.
    static func short(_ name: String) -> String {
        name.count <= 140 ? name : String(name.prefix(139)) + "…"
    }
}
