import Glibc
import LeakLabModel

/// tcmalloc's `generic.current_allocated_bytes`, through the C API
/// `MallocExtension_GetNumericProperty`, found with `dlsym` (tcmalloc is preloaded).
public struct TcmallocProbe: AllocatorProbe {
    public static let allocator = AllocatorName.tcmalloc
    typealias GetNumericProperty = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Int>?) -> Int32

    public let name = "tcmalloc"
    public let metrics: Set<Metric> = [.allocated]
    private let getProperty: GetNumericProperty

    public init?() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "MallocExtension_GetNumericProperty") else { return nil }
        getProperty = unsafeBitCast(symbol, to: GetNumericProperty.self)
    }

    public func read(into sample: inout Sample) throws(ProbeError) {
        var value = 0
        // A static string: no allocation.
        guard getProperty("generic.current_allocated_bytes", &value) != 0 else {
            throw ProbeError(probe: name, metric: "allocated", reason: "MallocExtension_GetNumericProperty failed")
        }
        sample.allocated = value
    }
}
