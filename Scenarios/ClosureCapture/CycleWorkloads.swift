import LeakLabKit

// leaklab:begin strong-self
/// A connection whose close callback refers to the connection itself.
final class CyclicConnection {
    var onClose: (() -> Void)?
    var closedCount = 0
    let payload: [UInt8]

    init(payloadBytes: Int) {
        payload = payloadBytes > 0 ? [UInt8](repeating: 1, count: payloadBytes) : []
        onClose = {
            self.closedCount += 1  // strong capture: self → onClose → self
        }
    }

    func close() { onClose?() }
}

/// Opens, uses and drops one connection per iteration; every one of them stays alive.
final class StrongSelfCycle: ScenarioWorkload {
    let payloadBytes: Int
    init(payloadBytes: Int) { self.payloadBytes = payloadBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let connection = CyclicConnection(payloadBytes: payloadBytes)
        connection.close()
        // `connection` goes out of scope here, but the cycle keeps it.
    }
}
// leaklab:end strong-self

// leaklab:begin weak-self
/// The same connection with a weak capture: the closure does not keep the object alive.
final class WeakConnection {
    var onClose: (() -> Void)?
    var closedCount = 0
    let payload: [UInt8]

    init(payloadBytes: Int) {
        payload = payloadBytes > 0 ? [UInt8](repeating: 1, count: payloadBytes) : []
        onClose = { [weak self] in
            self?.closedCount += 1
        }
    }

    func close() { onClose?() }
}

final class WeakSelfCallback: ScenarioWorkload {
    let payloadBytes: Int
    init(payloadBytes: Int) { self.payloadBytes = payloadBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let connection = WeakConnection(payloadBytes: payloadBytes)
        connection.close()
    }
}
// leaklab:end weak-self

// leaklab:begin broken-on-close
/// The strong capture stays, but close() drops the callback, which breaks the cycle.
final class ClosingConnection {
    var onClose: (() -> Void)?
    var closedCount = 0
    let payload: [UInt8]

    init(payloadBytes: Int) {
        payload = payloadBytes > 0 ? [UInt8](repeating: 1, count: payloadBytes) : []
        onClose = {
            self.closedCount += 1
        }
    }

    func close() {
        onClose?()
        onClose = nil  // the fix: the closure, and with it the reference to self, goes away
    }
}

final class CycleBrokenOnClose: ScenarioWorkload {
    let payloadBytes: Int
    init(payloadBytes: Int) { self.payloadBytes = payloadBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let connection = ClosingConnection(payloadBytes: payloadBytes)
        connection.close()
    }
}
// leaklab:end broken-on-close
