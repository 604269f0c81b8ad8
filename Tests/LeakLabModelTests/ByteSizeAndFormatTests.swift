import LeakLabModel
import Testing

/// The one size grammar (budgets, allocator options) and the one byte format.
@Suite struct ByteSizeAndFormatTests {
    @Test(arguments: [
        ("512MiB", 512 << 20) as (String, Int), ("2GiB", 2 << 30), ("2gb", 2 << 30), ("1G", 1 << 30), ("128k", 128 << 10),
        ("128KiB", 128 << 10), ("4096", 4096), ("10b", 10), ("0x20000", 0x20000), (" 1.5M ", 3 << 19), ("0", 0),
        ("1TiB", 1 << 40), ("2t", 2 << 40),
    ])
    func sizesAreReadWithBinaryUnits(text: String, bytes: Int) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test func whitespaceAroundASizeIsIgnoredLineEndsToo() {
        #expect(ByteSize.parse("512MiB\n") == 512 << 20)
        #expect(ByteSize.parse("\t64k\r\n") == 64 << 10)
    }

    @Test(arguments: ["lots", "12 parsecs", "-5", "-1MiB", "", "MiB", "1.5.2G", "nanG", "99999999TiB", "9223372036854775807k"])
    func textThatIsNoSizeOrIsNegativeIsRefused(text: String) {
        #expect(ByteSize.parse(text) == nil)
    }

    @Test func bytesAreFormattedInBinaryUnitsWithOneDecimal() {
        #expect(Format.bytes(48) == "48 B")
        #expect(Format.bytes(-3) == "-3 B")
        #expect(Format.bytes(1_536) == "1.5 KiB")
        #expect(Format.bytes(-2_048.0) == "-2.0 KiB")
        #expect(Format.bytes(12 << 20) == "12.0 MiB")
        #expect(Format.bytes(3 << 30) == "3.0 GiB")
    }

    @Test func ratesKeepTwoDecimalsBelowAHundred() {
        #expect(Format.rate(1_416.2) == "1416")
        #expect(Format.rate(4.449) == "4.45")
        #expect(Format.percent(0.971) == "97%")
        #expect(Format.signed(-0.5) == "-0.50")
    }
}
