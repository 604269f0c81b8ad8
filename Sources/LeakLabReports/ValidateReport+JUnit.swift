import Foundation
import LeakLabDetectors
import LeakLabModel

/// `validate --junit`: a test suite per detector, a test case per run; a wrong verdict is a
/// failure, a failed detector an error, and a run that did not complete is noted in the message.
public enum ValidateJUnit {
    public static func render(runs: [RunRecord], detectors: [String]) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        var totalTests = 0, totalFailures = 0, totalErrors = 0
        var suites: [String] = []
        for detector in detectors {
            var cases: [String] = []
            var failures = 0, errors = 0
            for run in runs {
                guard let verdict = run.verdict(of: detector) else { continue }
                let name = escape(ValidateTable.label(run))
                let outcome = VerdictOutcome(verdict: verdict, run: run)
                var body = ""
                switch outcome {
                case .failed:
                    errors += 1
                    body = "<error message=\"\(escape(verdict.failure ?? "detector failed"))\"/>"
                case .falsePositive, .falseNegative:
                    failures += 1
                    let said = verdict.leak == true ? "leak" : "no leak"
                    let message = "\(detector) said \(said); truth is \(run.truth.verdict.rawValue) (\(outcome.rawValue.uppercased()))"
                    body = "<failure message=\"\(escape(message))\">\(escape(verdict.note ?? ""))</failure>"
                case .incomplete:
                    body = "<skipped message=\"\(escape("the run ended \(run.outcome.rawValue), not as its variant declares: not scored"))\"/>"
                case .truePositive, .trueNegative:
                    break
                }
                cases.append(
                    "    <testcase classname=\"leaklab.\(escape(detector)).\(escape(run.pattern))\" name=\"\(name)\" time=\"\(String(format: "%.3f", run.wallSeconds))\">\(body)</testcase>"
                )
            }
            totalTests += cases.count
            totalFailures += failures
            totalErrors += errors
            suites.append(
                "  <testsuite name=\"\(escape(detector))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
                    + cases.joined(separator: "\n") + "\n  </testsuite>")
        }
        xml += "<testsuites name=\"leaklab validate\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"\(totalErrors)\">\n"
        xml += suites.joined(separator: "\n") + "\n</testsuites>\n"
        return xml
    }

    /// XML-escapes text and drops control characters (plugin text is untrusted): the same rules as
    /// the HTML report's, which are valid XML 1.0 too.
    public static func escape(_ text: String) -> String {
        HTML.escape(text)
    }
}
