import CLeakLabShims
import Glibc
import LeakLabModel

/// RSS, open file descriptors and threads of the calling process, from /proc.
///
/// The files are opened once and re-read with `pread`/`getdents64` into a buffer allocated once,
/// so a sample allocates nothing (`opendir` would call malloc). Costs, on a 2-core VM: RSS from
/// `/proc/self/statm` ~1 µs; threads from `/proc/self/stat` ~3 µs (the kernel formats 52 fields
/// to give one); fds by walking `/proc/self/fd` ~2 µs and O(fds). So RSS is read on every sample,
/// and fds and threads — the slow figures — only when ``ProbeSet`` asks for them afresh; otherwise
/// the last values read are copied. The probe's own three descriptors are left out of the fd count.
public final class ProcProbe: Probe {
    public let name = "proc"
    public let metrics: Set<Metric> = [.rss, .fds, .threads]
    /// The figures ``read(into:reuseSlow:)`` may copy from the last read.
    public static let slowFigures: [Metric] = [.fds, .threads]

    private let statm: Int32
    private let stat: Int32
    private let fdDirectory: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private let pageSize: Int
    private var lastFDs = 0
    private var lastThreads = 0

    public init() throws(ProbeError) {
        statm = Self.movedHigh(open("/proc/self/statm", O_RDONLY | O_CLOEXEC))
        stat = Self.movedHigh(open("/proc/self/stat", O_RDONLY | O_CLOEXEC))
        fdDirectory = Self.movedHigh(open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC))
        buffer = .allocate(byteCount: 32 * 1024, alignment: 8)
        pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard statm >= 0, stat >= 0, fdDirectory >= 0 else {
            let error = ProcProbe.lastError()
            throw ProbeError(probe: "proc", metric: "open", reason: "cannot open /proc/self/\(statm < 0 ? "statm" : stat < 0 ? "stat" : "fd"): \(error)")
        }
    }

    /// The highest descriptor the probe's files are moved below: high enough that a scenario
    /// working with the low numbers (`close(4)`, `dup2(x, 5)`, a daemon closing 3..<256 before
    /// it execs) leaves them alone, low enough that the kernel's descriptor table stays small.
    static let descriptorCeiling = 1_024

    /// Moves `descriptor` to just below ``descriptorCeiling`` (or the descriptor budget, if
    /// lower); leaves it where it is when there is no room up there.
    static func movedHigh(_ descriptor: Int32) -> Int32 {
        guard descriptor >= 0 else { return descriptor }
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return descriptor }
        let top = Int32(min(UInt64(limit.rlim_cur), UInt64(descriptorCeiling)))
        let floor = top - 16
        guard floor > descriptor else { return descriptor }
        let moved = fcntl(descriptor, F_DUPFD_CLOEXEC, floor)
        guard moved >= 0, moved < top else {
            if moved >= 0 { close(moved) }
            return descriptor
        }
        close(descriptor)
        return moved
    }

    /// Why a read of one of the probe's files failed: a descriptor the scenario closed or
    /// replaced is named as such, not as a probe that cannot parse the kernel's output.
    private func unreadable(_ file: String, descriptor: Int32, metric: String) -> ProbeError {
        let reason =
            fcntl(descriptor, F_GETFD) < 0
            ? "the scenario closed the lab's descriptor for /proc/self/\(file) (fd \(descriptor))"
            : "cannot parse /proc/self/\(file) (fd \(descriptor); a scenario that replaced that descriptor with dup2 reads the same)"
        return ProbeError(probe: name, metric: metric, reason: reason)
    }

    deinit {
        close(statm)
        close(stat)
        close(fdDirectory)
        buffer.deallocate()
    }

    /// Reads every figure afresh.
    public func read(into sample: inout Sample) throws(ProbeError) {
        try read(into: &sample, reuseSlow: false)
    }

    /// Reads RSS; reads fds and threads afresh, or with `reuseSlow` copies the last values read.
    public func read(into sample: inout Sample, reuseSlow: Bool) throws(ProbeError) {
        // statm: "size resident shared text lib data dt", in pages.
        let statmBytes = pread(statm, buffer.baseAddress, buffer.count - 1, 0)
        guard statmBytes > 0, let residentPages = field(1, in: statmBytes) else {
            throw unreadable("statm", descriptor: statm, metric: "rss")
        }
        sample.rss = residentPages * pageSize

        if reuseSlow {
            sample.threads = lastThreads
            sample.fds = lastFDs
            return
        }

        // stat: "pid (comm) state ..." — comm may hold spaces, so count fields after the last ')'.
        // num_threads is field 20 overall; the first field after the ")" is field 3 (state).
        let statBytes = pread(stat, buffer.baseAddress, buffer.count - 1, 0)
        guard statBytes > 0, let threads = fieldAfterCommand(17, in: statBytes) else {
            throw unreadable("stat", descriptor: stat, metric: "threads")
        }
        lastThreads = threads
        sample.threads = threads

        lastFDs = try countDescriptors()
        sample.fds = lastFDs
    }

    /// The calling thread's `errno`, by name ("No such file or directory"). The child does not
    /// link swift-system's `Errno` (its DWARF 5 debug info stops valgrind; see Package.swift).
    static func lastError() -> String { String(cString: strerror(errno)) }

    private func countDescriptors() throws(ProbeError) -> Int {
        guard lseek(fdDirectory, 0, SEEK_SET) == 0 else {
            throw ProbeError(probe: name, metric: "fds", reason: "cannot rewind /proc/self/fd: \(ProcProbe.lastError())")
        }
        var count = 0
        while true {
            let bytes = leaklab_getdents64(fdDirectory, buffer.baseAddress, buffer.count)
            if bytes < 0 { throw ProbeError(probe: name, metric: "fds", reason: "getdents64 /proc/self/fd: \(ProcProbe.lastError())") }
            if bytes == 0 { break }
            // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            var offset = 0
            while offset < bytes {
                let recordLength = Int(buffer.load(fromByteOffset: offset + 16, as: UInt16.self))
                let firstNameByte = buffer[offset + 19]
                if firstNameByte != UInt8(ascii: ".") { count += 1 }
                offset += recordLength
            }
        }
        return count - 3  // statm, stat and the fd directory itself
    }

    /// The `index`th space-separated integer field of the first `length` bytes of the buffer.
    private func field(_ index: Int, in length: Int) -> Int? {
        parseField(index, from: 0, to: length)
    }

    private func fieldAfterCommand(_ index: Int, in length: Int) -> Int? {
        var closing = -1
        for offset in 0..<length where buffer[offset] == UInt8(ascii: ")") { closing = offset }
        guard closing >= 0 else { return nil }
        return parseField(index, from: closing + 1, to: length)
    }

    private func parseField(_ index: Int, from start: Int, to end: Int) -> Int? {
        var fieldIndex = -1
        var offset = start
        while offset < end {
            while offset < end, buffer[offset] == UInt8(ascii: " ") { offset += 1 }
            guard offset < end else { return nil }
            fieldIndex += 1
            var value = 0
            var isNumber = true
            while offset < end, buffer[offset] != UInt8(ascii: " "), buffer[offset] != UInt8(ascii: "\n") {
                let byte = buffer[offset]
                if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                } else {
                    isNumber = false
                }
                offset += 1
            }
            if fieldIndex == index { return isNumber ? value : nil }
            if offset < end, buffer[offset] == UInt8(ascii: "\n") { break }
        }
        return nil
    }
}
