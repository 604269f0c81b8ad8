import CLeakLabShims
import Glibc
import LeakLabModel

/// Counts and groups the live Swift tasks of this process by scanning its own memory (the C
/// scanner in CLeakLabShims/taskscan.c; layout and filters in docs/task-census.md).
///
/// Made once; a count or a census afterwards calls no malloc (its memory is one region mapped
/// at creation). Not thread-safe: one caller at a time.
public final class TaskScanner: @unchecked Sendable {
    private let scanner: OpaquePointer

    /// Tasks a census groups at most; more are counted as `ungrouped`.
    public static let defaultCapacity = 1 << 20

    /// Fails with the reason when the runtime's task layout is not the one the scanner knows.
    public init(capacity: Int = TaskScanner.defaultCapacity) throws(ProbeError) {
        var why = [CChar](repeating: 0, count: 256)
        guard let scanner = leaklab_task_scanner_create(capacity, &why, why.count) else {
            throw ProbeError(probe: "tasks", metric: "tasks", reason: String(cString: why))
        }
        self.scanner = scanner
    }

    /// Whether reads go through process_vm_readv (else: copies guarded by mapping bounds).
    public var usesVMReadv: Bool { leaklab_task_scanner_uses_vm_readv(scanner) != 0 }

    /// Live (not completed) tasks now, or `nil` when /proc/self/maps cannot be read.
    public func count() -> Int? {
        let live = leaklab_task_count(scanner, nil)
        return live >= 0 ? live : nil
    }

    /// What one census found, viewed in the scanner's memory (valid until the next scan).
    public struct RawCensus {
        public var tasks: Int
        public var completed: Int
        public var ungrouped: Int
        public var groups: UnsafeBufferPointer<leaklab_task_group>
    }

    /// Counts and groups the live tasks; `nil` when /proc/self/maps cannot be read.
    public func census() -> RawCensus? {
        var completed = 0
        var ungrouped = 0
        let live = leaklab_task_census(scanner, &completed, &ungrouped)
        guard live >= 0 else { return nil }
        let groups = UnsafeBufferPointer(start: leaklab_task_groups(scanner), count: leaklab_task_group_count(scanner))
        return RawCensus(tasks: live, completed: completed, ungrouped: ungrouped, groups: groups)
    }

    /// The file mapping holding a code address, as of the last scan: its path bytes and the
    /// address's file offset.
    public func locate(_ address: UInt) -> (path: UnsafeBufferPointer<UInt8>, offset: UInt64)? {
        var path: UnsafePointer<CChar>?
        var length = 0
        var offset: UInt64 = 0
        guard leaklab_task_locate(scanner, address, &path, &length, &offset) == 0, let path else { return nil }
        return (path.withMemoryRebound(to: UInt8.self, capacity: length) { UnsafeBufferPointer(start: $0, count: length) }, offset)
    }
}

extension leaklab_task_group {
    /// The group's frames, innermost first.
    public var frameAddresses: [UInt] {
        var copy = frames
        return withUnsafeBytes(of: &copy) { raw in
            Array(raw.bindMemory(to: UInt.self).prefix(Int(frameCount)))
        }
    }

    public var taskState: TaskCensus.State {
        switch Int(state) {
        case LEAKLAB_TASK_RUNNING: .running
        case LEAKLAB_TASK_ENQUEUED: .enqueued
        default: .suspended
        }
    }
}
