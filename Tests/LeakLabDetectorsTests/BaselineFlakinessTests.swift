import LeakLabDetectors
import LeakLabModel
import LeakLabTestFixtures
import Testing

/// Majority verdicts, flip rates and the cells the gate confirms (issue 14).
@Suite struct BaselineFlakinessTests {
    let right = makeRun(variant: "leaky", truth: leakTruth, verdicts: [verdict("trend", true), verdict("rss", true)])
    let wrong = makeRun(variant: "leaky", truth: leakTruth, verdicts: [verdict("trend", true), verdict("rss", false)])

    @Test func theMajorityVerdictWinsWhicheverRunCameFirst() {
        #expect(MajorityVerdicts.fold([wrong, right, right]).verdict(of: "rss")?.leak == true)
        #expect(MajorityVerdicts.fold([right, wrong, wrong]).verdict(of: "rss")?.leak == false)
        #expect(MajorityVerdicts.fold([right, wrong]).verdict(of: "rss")?.leak == true, "a tie keeps the first run's")
        #expect(MajorityVerdicts.fold([wrong, right, right]).verdict(of: "trend")?.leak == true)
    }

    @Test func flipRatesAreTheMinorityShareAndOnlyForCellsThatFlipped() {
        let samples = [[right, wrong, right, right, right]]
        let folded = samples.map(MajorityVerdicts.fold)
        let baseline = Baseline(scores: Scoring.score(folded, detectors: ["trend", "rss"]), runs: folded)
            .withFlipRates(from: samples)
        #expect(baseline.flipRate(detector: "rss", key: right.repeatKey) == 0.2)
        #expect(baseline.detectors["trend"]?.flipRates == nil)
        #expect(baseline.detectors["rss"]?.runs[right.repeatKey] == .correct)
    }

    @Test func onlyVerdictsThatWereRightInTheBaselineAndAreNotNowAreConfirmed() {
        let baseline = Baseline(scores: Scoring.score([right], detectors: ["trend", "rss"]), runs: [right])
        let cells = Baseline.cellsToConfirm(runs: [right, wrong], baseline: baseline)
        #expect(cells == [BaselineCell(detector: "rss", plan: 1)])
        let wrongBaseline = Baseline(scores: Scoring.score([wrong], detectors: ["trend", "rss"]), runs: [wrong])
        #expect(Baseline.cellsToConfirm(runs: [wrong], baseline: wrongBaseline).isEmpty)
    }

    @Test func aBaselineWithoutFlipRatesStillDecodes() throws {
        let baseline = Baseline(scores: Scoring.score([right], detectors: ["rss"]), runs: [right])
        let decoded = try Baseline.decode(try baseline.encoded())
        #expect(decoded == baseline)
        #expect(decoded.detectors["rss"]?.flipRates == nil)
    }
}
