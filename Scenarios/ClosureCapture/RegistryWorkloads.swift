import LeakLabKit

/// An application-wide notifier: handlers by registration token, called on every event.
final class EventBus {
    private var handlers: [Int: (Int) -> Void] = [:]
    private var nextToken = 0

    /// Registers a handler; returns the token that removes it again.
    func register(_ handler: @escaping (Int) -> Void) -> Int {
        nextToken += 1
        handlers[nextToken] = handler
        return nextToken
    }

    func unregister(_ token: Int) {
        handlers[token] = nil
    }

    func publish(_ event: Int) {
        for handler in handlers.values { handler(event) }
    }
}

/// Stands in for handling a request: reads the buffer.
@inline(never)
func handleRequest(_ buffer: [UInt8]) -> Int { buffer.count }

// leaklab:begin never-unregistered
/// Each request registers for config changes and forgets to unregister.
final class NeverUnregistered: ScenarioWorkload {
    let bus = EventBus()  // lives as long as the application
    let payloadBytes: Int
    init(payloadBytes: Int) { self.payloadBytes = payloadBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let buffer = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: payloadBytes)
        _ = bus.register { newConfig in
            _ = buffer.count + newConfig  // "re-validate the request against the new config"
        }
        _ = handleRequest(buffer)
        // The request is done, but the bus still holds the handler and its buffer.
    }
}
// leaklab:end never-unregistered

// leaklab:begin unregistered
/// The same request, which unregisters when it is done.
final class Unregistered: ScenarioWorkload {
    let bus = EventBus()
    let payloadBytes: Int
    init(payloadBytes: Int) { self.payloadBytes = payloadBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let buffer = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: payloadBytes)
        let token = bus.register { newConfig in
            _ = buffer.count + newConfig
        }
        defer { bus.unregister(token) }  // the fix: the registration ends with the request
        _ = handleRequest(buffer)
    }
}
// leaklab:end unregistered
