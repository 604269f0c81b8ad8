import LeakLabModel

/// Writes a sample message as one JSON line into a buffer allocated once, without Foundation.
///
/// `JSONEncoder` costs ~100 µs and a dozen allocations per sample; at ~200 samples a run that is
/// several percent of a short run's time, spent between the iterations being measured. This
/// writer produces the same JSON as `JSONEncoder` would for `ChildMessage.sample(_:)` (the runner
/// decodes it with `JSONDecoder`; a test checks the two agree) in about a microsecond.
public struct SampleLineEncoder {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    public init() {
        buffer = .allocate(capacity: 1_024)
    }

    /// The encoded line, valid until the next call.
    public mutating func encode(_ sample: Sample) -> UnsafeBufferPointer<UInt8> {
        count = 0
        append(#"{"sample":{"_0":{"t":"#)
        appendSeconds(sample.t)
        append(#","phase":""#)
        append(sample.phase.rawValue)
        append(#"","iteration":"#)
        appendInteger(sample.iteration)
        field("allocated", sample.allocated)
        field("active", sample.active)
        field("resident", sample.resident)
        field("mapped", sample.mapped)
        field("retained", sample.retained)
        field("metadata", sample.metadata)
        field("mallocs", sample.mallocs)
        field("frees", sample.frees)
        field("rss", sample.rss)
        field("fds", sample.fds)
        field("threads", sample.threads)
        field("tasks", sample.tasks)
        if let reused = sample.reused {
            append(#","reused":["#)
            for (index, metric) in reused.enumerated() {
                if index > 0 { append(",") }
                append("\"")
                append(metric.rawValue)
                append("\"")
            }
            append("]")
        }
        append("}}}\n")
        return UnsafeBufferPointer(rebasing: buffer[0..<count])
    }

    private mutating func field(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        append(",\"")
        append(name)
        append("\":")
        appendInteger(value)
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            for byte in bytes {
                buffer[count] = byte
                count += 1
            }
        }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                buffer[count] = byte
                count += 1
            }
        }
    }

    private mutating func appendInteger(_ value: Int) {
        if value < 0 {
            buffer[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var length = 0
        withUnsafeMutableBytes(of: &digits) { storage in
            repeat {
                storage[length] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                length += 1
            } while magnitude > 0
            for index in stride(from: length - 1, through: 0, by: -1) {
                buffer[count] = storage[index]
                count += 1
            }
        }
    }

    /// Seconds with microsecond precision: `12.000345`.
    private mutating func appendSeconds(_ seconds: Double) {
        let micros = Int((seconds * 1_000_000).rounded())
        appendInteger(micros / 1_000_000)
        buffer[count] = UInt8(ascii: ".")
        count += 1
        var fraction = micros % 1_000_000
        var divisor = 100_000
        for _ in 0..<6 {
            buffer[count] = UInt8(ascii: "0") + UInt8(fraction / divisor)
            count += 1
            fraction %= divisor
            divisor /= 10
        }
    }
}
