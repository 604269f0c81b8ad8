import CLeakLabShims
import Foundation
import Glibc
import LeakLabKit
import LeakLabModel

/// Opens a plugin the lab has never seen in a throw-away child first (`leaklab-host
/// --check-plugin PATH`), so that a library whose constructor aborts, exits or hangs, or whose
/// entry point returns a bad pointer, is refused by name instead of taking the runner down when
/// the runner opens it itself.
///
/// The child opens the library and reads its manifest exactly as the runner would
/// (``PluginLoader/load(path:)``) and ends with a status of ``PluginCheckProtocol``; any other
/// end — a signal, another exit status, no end within ``timeoutSeconds`` — refuses the plugin.
/// The child runs in its own process group with its output in files, not pipes, so nothing it
/// starts can keep the runner waiting; what is left in its group afterwards is killed. (A
/// descendant that leaves the group with `setsid` is out of reach here, as it would be for the
/// runner's own `dlopen`.) Costs one short child per plugin from `--plugins` or
/// `LEAKLAB_PLUGIN_PATH` (~30 ms); the lab's own plugins are not checked. A library that behaves
/// only in this child (it reads its command line) is caught when the runner opens it by
/// ``PluginLoadGuard``, if it calls `exit`.
public enum PluginPreflight {
    /// How long opening a library may take.
    public static let timeoutSeconds = 20.0

    /// `nil` when the runner may open `path` itself; otherwise why not.
    public static func check(_ path: String, host: String) -> PluginLoadError? {
        guard FileManager.default.isExecutableFile(atPath: host) else { return nil }
        let output = NSTemporaryDirectory() + "leaklab-check-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let printed = output + ".out", said = output + ".err"
        defer {
            unlink(printed)
            unlink(said)
        }
        guard let pid = spawn(host, [PluginCheckProtocol.argument, path], stdout: printed, stderr: said) else { return nil }
        var status: Int32 = 0
        let deadline = MonotonicClock.now() + timeoutSeconds
        var ended = false
        while MonotonicClock.now() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) {
                ended = result == pid
                break
            }
            usleep(5_000)
        }
        // Whatever the check started and left in its group goes with it.
        kill(-pid, SIGKILL)
        if !ended {
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return PluginLoadError(
                path: path, kind: .cannotOpen,
                reason: "opening it did not finish in \(Int(timeoutSeconds)) s (a library constructor or the manifest hangs); the lab did not load it")
        }
        let opened = (try? String(contentsOfFile: printed, encoding: .utf8))?.contains(PluginCheckProtocol.loadedMark) ?? false
        let stderr = (try? String(contentsOfFile: said, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0, code = (status >> 8) & 0xff, signal = status & 0x7f
        if exited, (code == PluginCheckProtocol.loadedStatus && opened) || code == PluginCheckProtocol.refusedStatus { return nil }
        if exited {
            return PluginLoadError(
                path: path, kind: .cannotOpen,
                reason: "opening it ended the process with status \(code) (a library constructor or the plugin's entry point exits)\(telling(stderr))")
        }
        return PluginLoadError(
            path: path, kind: .cannotOpen,
            reason:
                "opening it crashed a test process (signal \(signal), \(String(cString: strsignal(signal)))): its constructor or its entry point is broken, and the lab did not load it\(telling(stderr))"
        )
    }

    /// Starts `executable` in its own process group, stdin from /dev/null, stdout and stderr to
    /// files, signals at their defaults; `nil` if it cannot be started.
    private static func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = leaklab_spawn_add_closefrom(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        return SpawnAttributes.withChildAttributes { attributes -> pid_t? in
            var pid: pid_t = 0
            return posix_spawn(&pid, executable, &actions, &attributes, argv, environ) == 0 ? pid : nil
        }
    }

    /// What the child said about its end, as "; it said: …": the Swift runtime's crash line or
    /// fatal error if there is one, else its first line; nothing if it said nothing.
    private static func telling(_ text: String) -> String {
        let lines = text.prefix(64 * 1024).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let line = lines.first { $0.contains("Program crashed:") || $0.contains("Fatal error") } ?? lines.first
        return line.map { "; it said: \($0.prefix(200))" } ?? ""
    }
}
