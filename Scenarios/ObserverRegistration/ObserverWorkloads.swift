import Foundation
import LeakLabKit

/// The notification sessions listen for.
let settingsDidChange = Notification.Name("LeakLabSettingsDidChange")

/// Per-session state: immutable, so the observer block may capture it across threads.
final class Session: Sendable {
    let buffer: [UInt8]
    init(bytes: Int, seed: Int) { buffer = [UInt8](repeating: UInt8(truncatingIfNeeded: seed), count: bytes) }
    func reloadSettings() -> Int { buffer.count }
}

// leaklab:begin observer-never-removed
/// Each session observes settings changes on the app-wide center and never stops observing.
final class ObserverNeverRemoved: ScenarioWorkload {
    let center = NotificationCenter()  // long-lived, like NotificationCenter.default
    let sessionBytes: Int
    init(sessionBytes: Int) { self.sessionBytes = sessionBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let session = Session(bytes: sessionBytes, seed: index)
        _ = center.addObserver(forName: settingsDidChange, object: nil, queue: nil) { _ in
            _ = session.reloadSettings()
        }
        _ = session.reloadSettings()  // the session's work
        // The token was discarded: the center keeps the block, and the block keeps the session.
    }
}
// leaklab:end observer-never-removed

// leaklab:begin observer-removed
/// The same session, which removes its observer when it ends.
final class ObserverRemoved: ScenarioWorkload {
    let center = NotificationCenter()
    let sessionBytes: Int
    init(sessionBytes: Int) { self.sessionBytes = sessionBytes }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let session = Session(bytes: sessionBytes, seed: index)
        let token = center.addObserver(forName: settingsDidChange, object: nil, queue: nil) { _ in
            _ = session.reloadSettings()
        }
        defer { center.removeObserver(token) }  // the fix
        _ = session.reloadSettings()
    }
}
// leaklab:end observer-removed
