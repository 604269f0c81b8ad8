import Foundation
import LeakLabKit
import LeakLabModel
import LeakLabRunner

/// Progress of one run on stderr while it goes: phase, iterations, a sparkline of memory and
/// the latest fds and threads. Redrawn in place on a terminal; a line per phase when piped.
public final class LiveView {
    private let label: String
    private let totalIterations: Int
    private var allocated: [Double] = []
    private var lastPhase: Phase?
    private let quiet: Bool

    public init(label: String, totalIterations: Int, quiet: Bool) {
        self.label = label
        self.totalIterations = totalIterations
        self.quiet = quiet
    }

    public func handle(_ event: Runner.Event) {
        guard !quiet else { return }
        switch event {
        case .started:
            break
        case .allocator(let report):
            if report.active != report.requested {
                Terminal.warn(
                    "\(label): asked for \(report.requested), but \(report.active?.rawValue ?? "an unknown allocator") serves malloc (\(report.library ?? "?"))"
                )
            }
        case .sample(let sample):
            allocated.append(Double(sample.allocated ?? sample.rss ?? 0))
            let line = describe(sample)
            if Terminal.stderrIsTTY {
                Terminal.progress("\r\u{1B}[K" + line)
            } else if sample.phase != lastPhase {
                Terminal.progress(line + "\n")
            }
            lastPhase = sample.phase
        }
    }

    /// Ends the live line.
    public func finish() {
        if !quiet && Terminal.stderrIsTTY { Terminal.progress("\r\u{1B}[K") }
    }

    private func describe(_ sample: Sample) -> String {
        let memoryName = sample.allocated != nil ? "allocated" : "rss"
        let memory = sample.allocated ?? sample.rss ?? 0
        var parts = [
            "\(label)", sample.phase.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
            "\(sample.iteration)/\(totalIterations)", Sparkline.render(allocated, width: 32),
            "\(memoryName) \(Format.bytes(memory))",
        ]
        if let rss = sample.rss, sample.allocated != nil { parts.append("rss \(Format.bytes(rss))") }
        if let fds = sample.fds { parts.append("fds \(fds)") }
        if let threads = sample.threads { parts.append("threads \(threads)") }
        return parts.joined(separator: "  ")
    }
}
