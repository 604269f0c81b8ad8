import Dispatch
import Foundation
import LeakLabRunner

/// SIGINT, SIGTERM and SIGHUP (the terminal closed) during a long command: stop journaling, kill
/// every child's process group and run cgroups, say how to resume, and exit 130, 143 or 129
/// (128 + the signal). A runner killed outright (SIGKILL) cannot do this; its children die with it
/// all the same (PR_SET_PDEATHSIG, docs/containment.md).
public enum Interruption {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers. `message` is called once, on the signal, and returns what to print.
    public static func install(onSignal message: @escaping @Sendable (_ name: String) -> String) {
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let text = message(name)
                let killed = ChildProcessGroups.killAllAndClose()
                let note =
                    killed > 0
                    ? "killed \(killed) running child\(killed == 1 ? "" : "ren") and \(killed == 1 ? "its" : "their") process group\(killed == 1 ? "" : "s"); "
                    : ""
                FileHandle.standardError.write(Data("\n\(name): \(note)\(text)\n".utf8))
                fflush(nil)
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The command line as typed, with `extra` appended unless already there, quoted for a shell.
    public static func commandLine(adding extra: String) -> String {
        var arguments = CommandLine.arguments
        if !arguments.contains(extra) { arguments.append(extra) }
        return arguments.map(shellQuoted).joined(separator: " ")
    }

    public static func shellQuoted(_ word: String) -> String {
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./=:,@%+"))
        if !word.isEmpty, word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
