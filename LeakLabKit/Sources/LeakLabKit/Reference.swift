/// A public report a scenario reproduces or rests on: a bug report, a pull request, a forum thread.
///
/// Shown by `leaklab explain`, carried by `leaklab list --json` (`references: [{url, title, date}]`)
/// and linked from the HTML reports. Cite only what exists: the URL as the report has it, its
/// title, and the date it was filed (ISO 8601, `YYYY-MM-DD`).
public struct Reference: Codable, Sendable, Equatable {
    /// `https://github.com/swiftlang/swift/issues/71412`.
    public var url: String
    /// The report's own title.
    public var title: String
    /// When the report was filed, `YYYY-MM-DD`.
    public var date: String

    public init(url: String, title: String, date: String) {
        self.url = url
        self.title = title
        self.date = date
    }
}
