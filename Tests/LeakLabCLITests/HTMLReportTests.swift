import Foundation
import Testing

/// `--html` end to end: the report is one self-contained file, has a chart per variant, the
/// verdict matrix and the code, escapes what plugins and detector programs wrote, and renders in
/// headless Chromium.
@Suite struct HTMLReportTests {
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// A note no report may print raw: a script tag, both kinds of quote, an ampersand.
    static let hostileNote = #"<script>alert("pwned")</script> & 'single' <img src=x onerror=alert(1)>"#

    /// The same, escaped as the report must write it.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Nothing the page would load from elsewhere: no scripts at all, no network URL in src or href,
    /// no stylesheet link, no CSS import or url() of a remote resource. The one exception is a plain
    /// link a reader may follow, `<a href="https://…" rel="noopener noreferrer">` (a scenario's
    /// cited reports): following it is the reader's choice, and the page loads nothing from it.
    static func expectSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lowered = html.lowercased()
        #expect(!lowered.contains("<script"), "a report has no script", sourceLocation: sourceLocation)
        #expect(!lowered.contains("<link"), "styles are inline", sourceLocation: sourceLocation)
        #expect(!lowered.contains("@import"), sourceLocation: sourceLocation)
        let followable = #"<a href="https?://[^"<>]*" rel="noopener noreferrer">"#
        let checked = lowered.replacingOccurrences(of: followable, with: "<a>", options: .regularExpression)
        for attribute in ["src=", "href=", "url("] {
            for quote in ["\"", "'", ""] {
                for scheme in ["http:", "https:", "//"] {
                    #expect(
                        !checked.contains(attribute + quote + scheme), "\(attribute)\(quote)\(scheme) fetches from a network", sourceLocation: sourceLocation)
                }
            }
        }
        #expect(html.hasPrefix("<!DOCTYPE html>"), sourceLocation: sourceLocation)
        #expect(html.contains("</html>"), sourceLocation: sourceLocation)
    }

    /// A `--detector-cmd` program whose verdict note is hostile markup.
    static func hostileDetector(in directory: String) throws -> String {
        let note = try String(decoding: JSONSerialization.data(withJSONObject: ["leak": false, "note": hostileNote] as [String: Any]), as: UTF8.self)
        let script = "import sys\nsys.stdin.read()\nprint(\(String(reflecting: note)))\n"
        try script.write(toFile: "\(directory)/marked_up.py", atomically: true, encoding: .utf8)
        return "python3 \(directory)/marked_up.py"
    }

    @Test func validateWritesASelfContainedReportWithAChartPerVariantTheMatrixAndEscapedText() throws {
        let directory = NSTemporaryDirectory() + "leaklab-html-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = "\(directory)/validate.html"
        let result = try CLI.run([
            "validate", "retain-cycle", "dictionary-cache", "--detector-cmd", try Self.hostileDetector(in: directory),
            "--html", report, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        Self.expectSelfContained(html)

        // One memory chart per variant: retain-cycle has 3, dictionary-cache 4.
        let variants = [
            "retain-cycle/strong-self", "retain-cycle/weak-self", "retain-cycle/broken-on-close",
            "dictionary-cache/no-eviction", "dictionary-cache/lru-bounded",
            "dictionary-cache/finite-key-set", "dictionary-cache/cleared-keeping-capacity",
        ]
        for variant in variants {
            #expect(
                Self.occurrences(
                    of: "<svg class=\"chart line\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 280\" role=\"img\" data-variant=\"\(variant)\"",
                    in: html) == 1,
                "one chart for \(variant)")
            #expect(html.contains("<tr data-run=\"\(variant)/jemalloc/seed=42\">"), "a matrix row for \(variant)")
        }
        #expect(Self.occurrences(of: "data-overlay=", in: html) == 2, "the variants of each scenario overlaid")
        #expect(Self.occurrences(of: "<polyline", in: html) >= 7 * 3, "curves drawn")
        #expect(html.contains("<table class=\"matrix\">"))
        #expect(html.contains("<td class=\"cell tp\""), "the leaky variants are caught by someone")
        #expect(html.contains("<td class=\"cell tn\""))
        #expect(html.contains("data-bars=\"detectors\""), "precision and recall per detector")
        #expect(Self.occurrences(of: "data-bars=\"pattern\"", in: html) == 2, "and per pattern")

        // The explanation with leaky and fixed code side by side, escaped.
        #expect(html.contains("<article class=\"explain\" id=\"explain-retain-cycle\""))
        #expect(html.contains("<div class=\"pair\" data-pair=\"strong-self\">"))
        let explain = try CLI.run(["explain", "retain-cycle", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) as? [String: Any])
        let explained = try #require(document["variants"] as? [[String: Any]])
        let codes = explained.compactMap { $0["source"] as? [String: Any] }.compactMap { $0["code"] as? String }
        #expect(!codes.isEmpty, "the plugins' code is on this machine")
        for code in codes {
            #expect(html.contains("<pre><code>\(Self.escaped(code))</code></pre>"), "code shown, escaped")
        }
        #expect(
            codes.contains { $0.contains("\"") || $0.contains("<") || $0.contains("&") || $0.contains(">") },
            "the code exercises the escaping")

        // What a detector program said is escaped in text and in attributes alike.
        #expect(html.contains(Self.escaped(Self.hostileNote)))
        #expect(!html.contains("<img"))
        #expect(!html.contains("alert(\"pwned\")"))
    }

    @Test func runWritesTheVariantsOverlaidAndEachOnItsOwnChart() throws {
        let report = CLI.temporaryFile("run.html")
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try CLI.run(["run", "blocked-tasks", "--iterations", "300", "--html", report, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        Self.expectSelfContained(html)
        let variants = [
            "continuation-never-resumed", "continuation-resumed", "stream-never-finished", "stream-finished",
            "loop-never-cancelled", "loop-cancelled", "parked-until-settle",
        ]
        for variant in variants {
            #expect(html.contains("data-variant=\"blocked-tasks/\(variant)\""), "a chart for \(variant)")
        }
        #expect(Self.occurrences(of: "<svg", in: html) == variants.count + 1, "a chart per variant and the overlay")
        #expect(html.contains("data-overlay=\"blocked-tasks\""))
        #expect(html.contains("<table class=\"matrix\">"))
        #expect(html.contains("<div class=\"pair\" data-pair=\"continuation-never-resumed\">"))
        #expect(html.contains("leaklab explain blocked-tasks"))
    }

    @Test func theTourShowsEachPairWithVerdictsAndWhereToReadMore() throws {
        let report = CLI.temporaryFile("tour.html")
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try CLI.run(["tour", "--pattern", "unbounded-cache", "--pattern", "unclosed-handles", "--html", report, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("━━ unbounded-cache  dictionary-cache"))
        #expect(text.contains("no-eviction (leaky)"))
        #expect(text.contains("lru-bounded (fixed)"))
        #expect(text.contains("▁"), "sparklines")
        #expect(text.contains("fds "), "an fd leak is shown by its fds, not its bytes")
        #expect(text.contains("trend           leak ✓"))
        #expect(text.contains("read more: leaklab explain dictionary-cache"))
        #expect(text.contains("read more: leaklab explain unclosed-files"))
        #expect(!text.contains("\u{1B}["), "no colours when stdout is not a terminal")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        Self.expectSelfContained(html)
        for variant in [
            "dictionary-cache/no-eviction", "dictionary-cache/lru-bounded", "unclosed-files/closed-on-happy-path-only", "unclosed-files/closed-with-defer",
        ] {
            #expect(html.contains("data-variant=\"\(variant)\""), "a chart for \(variant)")
        }
        #expect(Self.occurrences(of: "data-overlay=", in: html) == 2)
        #expect(html.contains("<div class=\"pair\" data-pair=\"no-eviction\">"))
    }

    @Test func anUnwritableReportIsAUsageError() throws {
        let result = try CLI.run(["run", "retain-cycle/weak-self", "--iterations", "50", "--html", "/nonexistent-dir/r.html", "--quiet"])
        #expect(result.status == 2, "\(result.stderr)")
        // Checked before the run, so nothing measured is lost to the path.
        #expect(result.stderr.contains("--html /nonexistent-dir/r.html: the directory /nonexistent-dir does not exist"), "\(result.stderr)")
        #expect(!result.stdout.contains("truth"), "no child ran")
    }

    // MARK: In a browser

    /// Chromium, installed through Scripts/screenshot when missing; `nil` (with the reason
    /// recorded) when it cannot be had.
    static let chromium: (available: Bool, reason: String) = {
        do {
            let install = try Self.script(["--install"])
            return install.status == 0 ? (true, "") : (false, "Scripts/screenshot --install failed (\(install.status)): \(install.stderr)")
        } catch {
            return (false, "could not run Scripts/screenshot: \(error)")
        }
    }()

    static func script(_ arguments: [String]) throws -> CLIResult {
        ProcessRunner.run("\(root)/Scripts/screenshot", arguments)
    }

    @Test func theValidateReportRendersInHeadlessChromium() throws {
        let chromium = Self.chromium
        guard chromium.available else {
            Issue.record("skipped: no chromium to render with: \(chromium.reason)")
            return
        }
        let directory = NSTemporaryDirectory() + "leaklab-html-render-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = "\(directory)/report.html"
        let result = try CLI.run(["validate", "retain-cycle", "dictionary-cache", "--html", report, "--quiet"])
        try #require(result.status == 0, "\(result.stderr)")

        let dom = try Self.script(["--dump-dom", report])
        #expect(dom.status == 0, "\(dom.stderr)")
        // The DOM as the browser built it: the elements are there, the charts have their curves.
        #expect(dom.stdout.contains("<h1>leaklab validate</h1>"))
        #expect(Self.occurrences(of: "<svg", in: dom.stdout) >= 7 + 2 + 3, "variant charts, overlays and bar charts parsed")
        #expect(Self.occurrences(of: "<polyline", in: dom.stdout) >= 21)
        #expect(dom.stdout.contains("class=\"matrix\""))
        #expect(dom.stdout.contains("class=\"cell tp\""))
        #expect(Self.occurrences(of: "<pre><code>", in: dom.stdout) >= 7)

        // And a picture that is not blank: a PNG of reasonable size.
        let png = "\(directory)/report.png"
        let shot = try Self.script([report, png, "1200x1600"])
        #expect(shot.status == 0, "\(shot.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(data.count > 40_000, "a blank page compresses to a few KB; this one is \(data.count) bytes")
    }

    /// compare-allocators' page: one panel per metric (allocated and RSS never share an axis),
    /// growth bars with whiskers and the truth, a give-back chart per configuration, the table
    /// with what each gives back; parsed and rendered by Chromium.
    @Test func theAllocatorComparisonHasAPanelPerMetricAndRendersInHeadlessChromium() throws {
        let directory = NSTemporaryDirectory() + "leaklab-html-compare-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = "\(directory)/r.html"
        let result = try CLI.run([
            "compare-allocators", "dictionary-cache", "--config", "jemalloc", "--config", "jemalloc-no-decay",
            "--config", "glibc-trim", "--html", report, "--quiet",
        ])
        try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        Self.expectSelfContained(html)
        // Each <svg> element is one panel: its own metric, never two.
        let svgs = html.components(separatedBy: "<svg").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        let allocatedPanels = svgs.filter { $0.contains("data-metric=\"allocated\"") }
        let rssPanels = svgs.filter { $0.contains("data-metric=\"rss\"") }
        #expect(allocatedPanels.count == 1 && rssPanels.count == 1, "one allocated and one RSS panel for the one scenario")
        #expect(svgs.allSatisfy { Self.occurrences(of: "data-metric=", in: $0) <= 1 }, "no element holds two metrics")
        #expect(allocatedPanels.first.map { !$0.contains("data-metric=\"rss\"") } == true)
        #expect(svgs.contains { $0.contains("data-metric=\"resident\"") } && svgs.contains { $0.contains("data-metric=\"fragmentation\"") })
        // Leaky solid, fixed dashed, in the same panel; the settle phase shaded.
        let allocated = try #require(allocatedPanels.first)
        #expect(allocated.contains("no-eviction") && allocated.contains("lru-bounded") && allocated.contains("stroke-dasharray"))
        #expect(allocated.contains(">settle<"))
        // Growth bars with the declared truth; a give-back chart per configuration.
        #expect(svgs.contains { $0.contains("data-growth=\"allocated\"") && $0.contains("class=\"truth\"") })
        for name in ["jemalloc", "jemalloc-no-decay", "glibc-trim"] {
            #expect(html.contains("data-giveback=\"\(name)\""), "\(name)")
        }
        #expect(html.contains("<th>given back</th>") && html.contains("<th>after settle</th>"))

        let chromium = Self.chromium
        guard chromium.available else {
            Issue.record("skipped rendering: no chromium: \(chromium.reason)")
            return
        }
        let dom = try Self.script(["--dump-dom", report])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(Self.occurrences(of: "data-metric=\"allocated\"", in: dom.stdout) == 1)
        #expect(Self.occurrences(of: "data-metric=\"rss\"", in: dom.stdout) == 1)
        #expect(Self.occurrences(of: "<polyline", in: dom.stdout) >= 4 * 3 * 3, "4 variants × 3 configurations in the allocated, resident and RSS panels")
        let png = "\(directory)/r.png"
        let shot = try Self.script([report, png, "1200x1600"])
        #expect(shot.status == 0, "\(shot.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.count > 40_000, "a blank page compresses to a few KB; this one is \(data.count) bytes")
    }
}
