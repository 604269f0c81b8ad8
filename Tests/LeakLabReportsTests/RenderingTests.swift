import Foundation
import LeakLabDetectors
import LeakLabKit
import LeakLabModel
import LeakLabReports
import LeakLabTestFixtures
import Testing

/// The renderers, from made-up records: JUnit, the validate table, the audit summary.
@Suite struct RenderingTests {
    static let runs = [
        makeRun(variant: "leaky", truth: leakTruth, verdicts: [verdict("trend", true), verdict("rss", false)]),
        makeRun(variant: "fixed", truth: cleanTruth, verdicts: [verdict("trend", false), verdict("rss", true)]),
        makeRun(variant: "decoy<&>", truth: boundedTruth, verdicts: [verdict("trend", nil), verdict("rss", false)]),
    ]

    @Test func junitHasASuitePerDetectorAndCountsFailuresAndErrors() {
        let xml = ValidateJUnit.render(runs: Self.runs, detectors: ["trend", "rss"])
        #expect(xml.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        #expect(xml.contains(#"<testsuites name="leaklab validate" tests="6" failures="2" errors="1">"#))
        #expect(xml.contains(#"<testsuite name="trend" tests="3" failures="0" errors="1">"#))
        #expect(xml.contains(#"<testsuite name="rss" tests="3" failures="2" errors="0">"#))
        #expect(xml.contains("rss said no leak; truth is leak (FN)"))
        #expect(xml.contains("rss said leak; truth is clean (FP)"))
    }

    @Test func junitEscapesNamesFromPlugins() {
        let xml = ValidateJUnit.render(runs: Self.runs, detectors: ["rss"])
        #expect(xml.contains("cache/decoy&lt;&amp;&gt;"))
        #expect(!xml.contains("decoy<&>"))
    }

    @Test func theValidateTableHasAVerdictPerCellAndAScoreLinePerDetector() {
        let runs = Self.runs
        let text = ValidateTable.render(runs: runs, scores: Scoring.score(runs, detectors: ["trend", "rss"]))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("cache/leaky") && $0.contains("TP") && $0.contains("FN") })
        #expect(lines.contains { $0.hasPrefix("cache/fixed") && $0.contains("TN") && $0.contains("FP") })
        let trend = lines.first { $0.hasPrefix("trend ") }
        #expect(trend?.split(separator: " ").prefix(6) == ["trend", "1", "0", "0", "1", "1"])
    }

    @Test func theAuditSummaryNamesEveryFailedCheck() {
        let rows = twoAuditRows
        #expect(
            AuditRow.summary(rows) == """
                audit: 1 of 2 variants do not match their declared truth:
                  cache/fixed: bytes/iteration measured 80, declared 0 ±10
                """)
        #expect(AuditRow.summary([rows[0]]) == "audit: all 1 variants match their declared truth")
    }

    @Test func theTourCurveShowsFdsWhenThatIsAllALeakyVariantLeaks() {
        let fds = makeRun(
            variant: "open", truth: .leak(reachable: true, bytes: 0, fds: 1), samples: [Sample(t: 0, phase: .workload, iteration: 1, rss: 1, fds: 3)])
        #expect(Tour.curveMetric(fds) == .fds)
        let heap = makeRun(variant: "grow", truth: leakTruth, samples: [Sample(t: 0, phase: .workload, iteration: 1, allocated: 10, rss: 1)])
        #expect(Tour.curveMetric(heap) == .allocated)
    }
}
