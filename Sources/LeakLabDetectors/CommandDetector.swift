import Foundation
import LeakLabKit
import LeakLabModel

/// A user detector: `--detector-cmd CMD` runs a program that reads the trace as JSON on stdin and
/// prints a verdict as JSON on stdout (docs/detector-protocol.md).
///
/// `CMD` is split into arguments by ``CommandLineSplitter`` and run directly, never through a shell.
/// A program that cannot be started, exits non-zero, dies from a signal, runs past ``timeout``, prints
/// more than ``outputLimit`` bytes, or prints anything but a verdict gives
/// ``DetectorVerdict/failed(_:_:)`` with the reason — never a verdict.
public struct CommandDetector: LeakDetector {
    /// The command as given.
    public let command: String
    public let arguments: [String]
    public let name: String
    /// Seconds the program may run (default 10); it is killed (with its process group) after that.
    public let timeout: Double
    /// Bytes of stdout accepted (default 1 MiB); more is a failure.
    public let outputLimit: Int

    public var kind: DetectorKind { .command }
    /// Everything the trace shows: what the program makes of it is its own business.
    public var sees: Set<LeakKind> { Set(LeakKind.allCases) }

    public var summary: String {
        "Runs `\(command)` without a shell, hands it the trace as JSON on stdin and reads its verdict from stdout; fails on a non-zero exit, output that is not a verdict, or more than \(Int(timeout)) s."
    }

    /// - Parameters:
    ///   - name: the detector's name in verdicts and scores; by default the program's file name
    ///     without extension (the script's, when the program is an interpreter such as `python3`).
    /// - Throws: ``CommandLineError`` when `command` cannot be split.
    public init(command: String, name: String? = nil, timeout: Double = 10, outputLimit: Int = 1 << 20) throws(CommandLineError) {
        self.command = command
        self.arguments = try CommandLineSplitter.split(command)
        self.name = name ?? Self.defaultName(for: arguments)
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    public func evaluate(_ trace: Trace) -> DetectorVerdict {
        let input: Data
        do { input = try JSONEncoder().encode(trace) } catch {
            return .failed(name, "cannot encode the trace: \(error)")
        }
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(arguments, input: Array(input), timeout: timeout, outputLimit: outputLimit)
        } catch {
            return .failed(name, error.description)
        }
        if result.timedOut { return .failed(name, "timed out after \(Self.seconds(timeout)) (killed)") }
        if result.outputExceeded { return .failed(name, "printed more than \(outputLimit) bytes (killed)") }
        if let signal = result.signal { return .failed(name, "killed by signal \(signal)" + stderrHint(result)) }
        if let status = result.exitStatus, status != 0 {
            return .failed(name, "exited with status \(status)" + stderrHint(result))
        }
        switch CommandVerdictParser.parse(result.output, detector: name) {
        case .success(let verdict): return verdict
        case .failure(let error): return .failed(name, "invalid verdict: \(error.description)")
        }
    }

    /// `: <last line of stderr>` when there is one.
    private func stderrHint(_ result: Subprocess.Result) -> String {
        let text = String(decoding: result.errorTail, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) }) else { return "" }
        return ": " + String(line.prefix(200))
    }

    static func defaultName(for arguments: [String]) -> String {
        let interpreters: Set<String> = ["python", "python3", "node", "ruby", "perl", "sh", "bash", "env", "swift", "deno", "bun"]
        func stem(_ path: String) -> String {
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.split(separator: ".").first.map(String.init) ?? file
        }
        var program = stem(arguments[0])
        if interpreters.contains(program), let script = arguments.dropFirst().first(where: { !$0.hasPrefix("-") && !$0.contains("=") }) {
            program = stem(script)
        }
        return program
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}
