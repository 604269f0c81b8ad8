import Glibc
import LeakLabKit
import LeakLabModel
import LeakLabProbes

/// Writes a task census as one `ChildMessage.census` JSON line without calling malloc, so that
/// taking a census leaves the allocator's counts as they were (Scripts/bench checks it).
///
/// The line has the shape `JSONEncoder` gives ``TaskCensus`` (the runner decodes it with
/// `JSONDecoder`): frames as module index + file offset, no names (the runner adds them).
public struct CensusLineEncoder {
    /// Bytes one line may take: 4,096 groups of 12 frames fit with room to spare.
    static let capacity = 8 << 20
    /// Distinct modules a census names at most; frames in others are written as module -1.
    static let moduleCapacity = 256

    private let buffer: UnsafeMutableRawPointer
    private var count = 0
    private let modules: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>
    private var moduleCount = 0

    public init?() {
        let bytes = Self.capacity + Self.moduleCapacity * MemoryLayout<UnsafeBufferPointer<UInt8>>.stride
        guard let region = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            region != MAP_FAILED
        else { return nil }
        buffer = region
        modules = (region + Self.capacity).bindMemory(to: UnsafeBufferPointer<UInt8>.self, capacity: Self.moduleCapacity)
    }

    /// The encoded line (valid until the next call), or `nil` when it would not fit.
    public mutating func encode(
        _ census: TaskScanner.RawCensus, scanner: TaskScanner, phase: Phase, iteration: Int, millis: Double
    ) -> UnsafeRawBufferPointer? {
        count = 0
        moduleCount = 0
        append(#"{"census":{"_0":{"phase":""#)
        append(phase.rawValue)
        append(#"","iteration":"#)
        appendInteger(iteration)
        append(#","tasks":"#)
        appendInteger(census.tasks)
        append(#","completed":"#)
        appendInteger(census.completed)
        append(#","ungrouped":"#)
        appendInteger(census.ungrouped)
        append(#","millis":"#)
        let micros = Int((max(0, millis) * 1000).rounded())
        appendInteger(micros / 1000)
        append(".")
        let thousandths = micros % 1000
        appendInteger(thousandths / 100)
        appendInteger(thousandths / 10 % 10)
        appendInteger(thousandths % 10)
        append(#","groups":["#)
        for (index, group) in census.groups.enumerated() {
            // A group is at most ~600 bytes; stop before the modules would no longer fit.
            guard count < Self.capacity - 64 * 1024 else { return nil }
            if index > 0 { append(",") }
            append(#"{"count":"#)
            appendInteger(Int(group.count))
            append(#","state":""#)
            append(group.taskState.rawValue)
            append(group.cancelled != 0 ? #"","cancelled":true,"frames":["# : #"","cancelled":false,"frames":["#)
            var frames = group.frames
            withUnsafeBytes(of: &frames) { raw in
                let addresses = raw.bindMemory(to: UInt.self)
                for frame in 0..<Int(group.frameCount) {
                    if frame > 0 { append(",") }
                    let address = addresses[frame]
                    if let (path, offset) = scanner.locate(address) {
                        append(#"{"module":"#)
                        appendInteger(moduleIndex(path))
                        append(#","offset":"#)
                        appendInteger(Int(offset))
                    } else {
                        append(#"{"module":-1,"offset":"#)
                        appendInteger(Int(address))
                    }
                    append("}")
                }
            }
            append("]}")
        }
        append(#"],"modules":["#)
        for index in 0..<moduleCount {
            if index > 0 { append(",") }
            append("\"")
            for byte in modules[index] {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { appendByte(UInt8(ascii: "\\")) }
                if byte >= 0x20 { appendByte(byte) }
            }
            append("\"")
        }
        append("]}}}\n")
        return UnsafeRawBufferPointer(start: buffer, count: count)
    }

    private mutating func moduleIndex(_ path: UnsafeBufferPointer<UInt8>) -> Int {
        for index in 0..<moduleCount where modules[index].count == path.count {
            if memcmp(modules[index].baseAddress!, path.baseAddress!, path.count) == 0 { return index }
        }
        guard moduleCount < Self.moduleCapacity else { return -1 }
        modules[moduleCount] = path
        moduleCount += 1
        return moduleCount - 1
    }

    private mutating func appendByte(_ byte: UInt8) {
        buffer.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes in for byte in bytes { appendByte(byte) } }
    }

    /// Short enum raw values: Swift's small-string storage, no allocation.
    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes in for byte in bytes { appendByte(byte) } }
    }

    private mutating func appendInteger(_ value: Int) {
        if value < 0 { appendByte(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            appendByte(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }
}
