import Foundation
import Testing

/// The field-reports plugins (`field-reports`, and `field-reports-foundation` for those that need
/// Foundation), run as a user would: their scenarios cite public reports, their truth holds when
/// measured, and `explain` and the HTML report carry the citations.
@Suite struct FieldReportsTests {
    /// Whether `scenario` (an element of `list --json`'s `scenarios`) comes from a field-reports plugin.
    static func isFieldReport(_ scenario: [String: Any]) -> Bool {
        (scenario["plugin"] as? String)?.hasPrefix("field-reports") == true
    }

    /// The plugins' scenarios as `list --json` gives them.
    static func fieldScenarios() throws -> [[String: Any]] {
        let result = try CLI.run(["list", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let scenarios = try #require(document["scenarios"] as? [[String: Any]])
        return scenarios.filter(isFieldReport)
    }

    /// `YYYY-MM-DD`, and a real calendar day.
    static func isISODate(_ text: String) -> Bool {
        guard text.count == 10, text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else { return false }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text).map { formatter.string(from: $0) == text } ?? false
    }

    @Test func listCarriesAtLeastTenScenariosEachCitingPublicReports() throws {
        let scenarios = try Self.fieldScenarios()
        #expect(scenarios.count >= 10)
        var leaking = 0
        for scenario in scenarios {
            let id = scenario["id"] as? String ?? "?"
            let references = try #require(scenario["references"] as? [[String: Any]], "\(id) has no references array")
            #expect(!references.isEmpty, "\(id) cites no report")
            for reference in references {
                let url = reference["url"] as? String ?? ""
                let components = URLComponents(string: url)
                let scheme = components?.scheme ?? "", host = components?.host ?? ""
                #expect(scheme == "http" || scheme == "https", "\(id): '\(url)' is not an http(s) URL")
                #expect(host.count > 0, "\(id): '\(url)' has no host")
                #expect(!((reference["title"] as? String) ?? "").isEmpty, "\(id): a reference without a title")
                let date = reference["date"] as? String ?? ""
                #expect(Self.isISODate(date), "\(id): '\(date)' is not an ISO date")
            }
            let variants = try #require(scenario["variants"] as? [[String: Any]])
            let verdicts = variants.compactMap { ($0["truth"] as? [String: Any])?["verdict"] as? String }
            if verdicts.contains("leak") { leaking += 1 }
        }
        #expect(leaking >= 5, "at least five reports still leak on this toolchain")
    }

    @Test func everyOtherScenarioStillListsAnEmptyReferencesArray() throws {
        let result = try CLI.run(["list", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let others = (document["scenarios"] as? [[String: Any]] ?? []).filter { !Self.isFieldReport($0) }
        #expect(!others.isEmpty)
        for scenario in others {
            #expect((scenario["references"] as? [Any])?.isEmpty == true, "\(scenario["id"] ?? "?")")
        }
    }

    @Test func auditOverThePluginPasses() throws {
        let ids = try Self.fieldScenarios().compactMap { $0["id"] as? String }
        #expect(ids.count >= 10)
        let result = try CLI.run(["audit"] + ids)
        let problems = result.stdout.split(separator: "\n").filter { line in
            ["MISMATCH", "failed", "timed-out", "crashed", "budget"].contains { line.contains($0) }
        }
        #expect(result.status == 0, "audit failed:\n\(problems.joined(separator: "\n"))\n\(result.stderr)")
        #expect(result.stdout.contains("all "), "\(result.stdout)")
    }

    @Test func explainShowsTheReportsAndTheHTMLReportLinksThem() throws {
        let text = try CLI.run(["explain", "field-urlsession-delegate", "--no-side-by-side"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Reported"))
        #expect(text.stdout.contains("https://github.com/mattdonnelly/Swifter/pull/189"))
        #expect(text.stdout.contains("2017-05-16"))

        let json = try CLI.run(["explain", "field-urlsession-delegate", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let references = try #require(document["references"] as? [[String: Any]])
        #expect(references.count == 2)

        let report = CLI.temporaryFile("field.html")
        defer { try? FileManager.default.removeItem(atPath: report) }
        let run = try CLI.run(["run", "field-filesystem-representation", "--html", report, "--iterations", "300"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<a href=\"https://github.com/swiftlang/swift-corelibs-foundation/pull/2114\" rel=\"noopener noreferrer\">"))
        #expect(html.contains("NSPathUtilities: Implement NSString.fileSystemRepresentation</a>"))
        HTMLReportTests.expectSelfContained(html)
    }
}
