import LeakLabKit

/// Formats one access-log line as a request handler would, padded to `lineBytes` of UTF-8 so the
/// size of what is kept does not depend on the request number.
@inline(never)
func formatLogLine(request: Int, lineBytes: Int) -> String {
    let line = "request=\(request) status=200 path=/items/\(request % 997) took=\(request % 50)ms "
    return line + String(repeating: ".", count: max(0, lineBytes - line.utf8.count))
}

// leaklab:begin keep-every-line
/// An in-memory log that keeps every line it is given, "for the debug page": nothing trims it.
final class KeepEveryLine: ScenarioWorkload {
    var lines: [String] = []  // lives as long as the service
    let lineBytes: Int
    init(lineBytes: Int) { self.lineBytes = lineBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        lines.append(formatLogLine(request: index, lineBytes: lineBytes))
    }
}
// leaklab:end keep-every-line

// leaklab:begin ring-of-last-lines
/// The same log as a ring buffer of the last `capacity` lines: each new line replaces the oldest.
final class RingOfLastLines: ScenarioWorkload {
    var ring: [String] = []
    var next = 0  // the slot the next line goes into once the ring is full
    let lineBytes: Int, capacity: Int
    init(lineBytes: Int, capacity: Int) {
        self.lineBytes = lineBytes
        self.capacity = capacity
        ring.reserveCapacity(capacity)
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let line = formatLogLine(request: index, lineBytes: lineBytes)
        if ring.count < capacity {
            ring.append(line)
        } else {
            ring[next] = line  // the oldest line is released here
        }
        next = (next + 1) % capacity
    }
}
// leaklab:end ring-of-last-lines
