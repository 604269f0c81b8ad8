import LeakLabDetectors
import Testing

@Suite struct CommandLineSplitterTests {
    @Test func splitsOnWhitespace() throws {
        #expect(try CommandLineSplitter.split("  python3  det.py\t--fast ") == ["python3", "det.py", "--fast"])
    }

    @Test func keepsQuotedTextTogetherAndLiteral() throws {
        #expect(
            try CommandLineSplitter.split(#"prog 'a b' "c d" 'x"y' "e\"f" "g\nh" '$HOME'"#)
                == ["prog", "a b", "c d", #"x"y"#, #"e"f"#, #"g\nh"#, "$HOME"])
    }

    @Test func joinsAdjacentQuotedPartsAndKeepsEmptyArguments() throws {
        #expect(try CommandLineSplitter.split(#"prog a'b'"c" '' """#) == ["prog", "abc", "", ""])
    }

    @Test func backslashEscapesOutsideQuotes() throws {
        #expect(try CommandLineSplitter.split(#"prog a\ b \'"#) == ["prog", "a b", "'"])
    }

    @Test func rejectsUnterminatedQuotesAndTrailingBackslash() {
        #expect(throws: CommandLineError.unterminatedQuote("'")) { try CommandLineSplitter.split("prog 'abc") }
        #expect(throws: CommandLineError.unterminatedQuote("\"")) { try CommandLineSplitter.split(#"prog "abc"#) }
        #expect(throws: CommandLineError.trailingBackslash) { try CommandLineSplitter.split(#"prog \"#) }
        #expect(throws: CommandLineError.empty) { try CommandLineSplitter.split("   ") }
    }

    @Test(arguments: ["a | b", "a; b", "a && b", "a > out", "a < in", "a `b`"])
    func rejectsShellSyntaxBecauseThereIsNoShell(command: String) {
        #expect(throws: CommandLineError.self) { try CommandLineSplitter.split(command) }
    }

    @Test func shellSyntaxInsideQuotesIsAnOrdinaryArgument() throws {
        #expect(try CommandLineSplitter.split("prog 'a | b; c > d'") == ["prog", "a | b; c > d"])
    }
}
