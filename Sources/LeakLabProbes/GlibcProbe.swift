import CLeakLabShims
import LeakLabModel

/// glibc malloc's own count of bytes in use, from `mallinfo2()`: small blocks (`uordblks`) plus
/// mmapped blocks (`hblkhd`, 128 KiB and up by default), which `uordblks` alone leaves out.
public struct GlibcProbe: AllocatorProbe {
    public static let allocator = AllocatorName.glibc
    public let name = "glibc"
    public let metrics: Set<Metric> = [.allocated]

    public init?() {
        var used = 0, mapped = 0, arena = 0
        guard leaklab_glibc_mallinfo2(&used, &mapped, &arena) == 0 else { return nil }
    }

    public func read(into sample: inout Sample) throws(ProbeError) {
        var used = 0, mapped = 0, arena = 0
        guard leaklab_glibc_mallinfo2(&used, &mapped, &arena) == 0 else {
            throw ProbeError(probe: name, metric: "allocated", reason: "mallinfo2 is not available")
        }
        sample.allocated = used + mapped
    }
}
