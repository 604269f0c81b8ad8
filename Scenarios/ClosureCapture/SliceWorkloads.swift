import LeakLabKit

/// Stands in for reading a message from the network.
@inline(never)
func receiveMessage(bytes: Int, seed: Int) -> [UInt8] {
    [UInt8](repeating: UInt8(truncatingIfNeeded: seed), count: bytes)
}

// leaklab:begin slice-kept
/// Keeps each message's header as a slice: every slice pins its whole message.
final class SliceKept: ScenarioWorkload {
    var headerIndex: [ArraySlice<UInt8>] = []
    let messageBytes: Int, headerBytes: Int
    init(messageBytes: Int, headerBytes: Int) {
        self.messageBytes = messageBytes
        self.headerBytes = min(headerBytes, messageBytes)
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let message = receiveMessage(bytes: messageBytes, seed: index)
        headerIndex.append(message[0..<headerBytes])  // shares the message's storage
    }
}
// leaklab:end slice-kept

// leaklab:begin copied-out
/// Copies the header out of the message, so the message itself is freed.
final class CopiedOut: ScenarioWorkload {
    var headerIndex: [[UInt8]] = []
    let messageBytes: Int, headerBytes: Int
    init(messageBytes: Int, headerBytes: Int) {
        self.messageBytes = messageBytes
        self.headerBytes = min(headerBytes, messageBytes)
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let message = receiveMessage(bytes: messageBytes, seed: index)
        headerIndex.append(Array(message[0..<headerBytes]))  // the fix: a copy of just the header
    }
}
// leaklab:end copied-out
