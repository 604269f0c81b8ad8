import Foundation
import LeakLabKit
import LeakLabModel
import Synchronization

/// Opens a plugin the lab has never seen in a throw-away child first (`leaklab-host
/// --check-plugin PATH`), so that a library whose constructor aborts, exits or hangs, or whose
/// entry point returns a bad pointer, is refused by name instead of taking the runner down when
/// the runner opens it itself.
///
/// The child opens the library and reads its manifest exactly as the runner would
/// (``PluginLoader/load(path:)``) and ends with a status of ``PluginCheckProtocol``; any other
/// end — a signal, another exit status, no end within ``timeoutSeconds`` — refuses the plugin.
/// Costs one short child per plugin from `--plugins` or `LEAKLAB_PLUGIN_PATH` (~30 ms); the
/// lab's own plugins are not checked.
public enum PluginPreflight {
    /// How long opening a library may take.
    public static let timeoutSeconds = 20.0

    /// `nil` when the runner may open `path` itself; otherwise why not.
    public static func check(_ path: String, host: String) -> PluginLoadError? {
        guard FileManager.default.isExecutableFile(atPath: host) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: host)
        process.arguments = [PluginCheckProtocol.argument, path]
        let printed = Pipe()
        process.standardOutput = printed
        let errors = Pipe()
        process.standardError = errors
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return nil  // No child to check in: the runner's own load still says what is wrong.
        }
        // Read both pipes while the child runs, so a chatty constructor cannot block on a full one.
        let collected = CollectedOutput(), marked = CollectedOutput()
        let read = DispatchSemaphore(value: 0)
        for (pipe, sink) in [(errors, collected), (printed, marked)] {
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.bytes.withLock { $0 = data }
                read.signal()
            }.start()
        }
        if finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            return PluginLoadError(
                path: path, kind: .cannotOpen,
                reason: "opening it did not finish in \(Int(timeoutSeconds)) s (a library constructor or the manifest hangs); the lab did not load it")
        }
        let status = process.terminationStatus
        // A descendant that keeps a pipe open must not keep the lab waiting for what was said.
        for _ in 0..<2 { _ = read.wait(timeout: .now() + 1) }
        let opened = marked.bytes.withLock { String(decoding: $0, as: UTF8.self) }.contains(PluginCheckProtocol.loadedMark)
        switch process.terminationReason {
        case .exit where (status == PluginCheckProtocol.loadedStatus && opened) || status == PluginCheckProtocol.refusedStatus:
            return nil
        case .exit:
            return PluginLoadError(
                path: path, kind: .cannotOpen,
                reason: "opening it ended the process with status \(status) (a library constructor or the plugin's entry point exits)\(lastLine(collected))")
        case .uncaughtSignal:
            let name = String(cString: strsignal(status))
            return PluginLoadError(
                path: path, kind: .cannotOpen,
                reason:
                    "opening it crashed a test process (signal \(status), \(name)): its constructor or its entry point is broken, and the lab did not load it\(lastLine(collected))"
            )
        @unknown default:
            return nil
        }
    }

    /// What the child said about its end on stderr, as "; it said: …": the Swift runtime's crash
    /// line or fatal error if there is one, else its first line; nothing if it said nothing.
    private static func lastLine(_ output: CollectedOutput) -> String {
        let text = output.bytes.withLock { String(decoding: $0.prefix(64 * 1024), as: UTF8.self) }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let telling = lines.first { $0.contains("Program crashed:") || $0.contains("Fatal error") } ?? lines.first
        return telling.map { "; it said: \($0.prefix(200))" } ?? ""
    }

    /// What the child wrote on stderr, filled by the reader thread.
    private final class CollectedOutput: Sendable {
        let bytes = Mutex(Data())
    }
}
