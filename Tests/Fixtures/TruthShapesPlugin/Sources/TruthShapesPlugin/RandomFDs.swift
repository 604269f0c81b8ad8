import LeakLabKit

#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("eventfd") func c_eventfd(_ initval: UInt32, _ flags: Int32) -> Int32

struct EventFDFailed: Error, CustomStringConvertible { var description: String { "eventfd failed: errno \(errno)" } }

/// An eventfd per iteration whose close is lost at a rate that varies from run to run between
/// 30 % and 93 %, like a completion callback that loses a race.
final class RacyClose: ScenarioWorkload {
    var lossRate = 0.0
    var random = SystemRandomNumberGenerator()
    func setUp(context: ScenarioContext) async throws { lossRate = Double.random(in: 0.30...0.93, using: &random) }
    func iteration(_ index: Int, context: ScenarioContext) async throws {
        let fd = c_eventfd(0, 0)
        guard fd >= 0 else { throw EventFDFailed() }
        if Double.random(in: 0..<1, using: &random) >= lossRate { close(fd) }
    }
}

let randomFDScenario = Scenario(
    id: "truth-random-fds", title: "An fd leak at a random rate", pattern: .unclosedHandles,
    summary: "The close of an eventfd is lost in 30–93 % of iterations, the rate drawn per run.", training: training,
    defaultIterations: 1_000,
    variants: [
        Variant(
            name: "racy-close", role: .leaky, summary: "close lost at a random rate",
            truth: .leak(.fds(0.615), spread: Leakage(fds: 0.315), note: "30–93 % of iterations, drawn per run"),
            makeWorkload: { _ in RacyClose() })
    ])
