import LeakLabRunner
import Testing

/// A child whose code raises a signal the Swift runtime's backtracer handles carries on; its
/// crash report is named in the outcome's detail instead of passing unnoticed.
@Suite struct CrashReportTests {
    @Test func theRuntimesCrashLineIsFoundAndOtherOutputIsNot() {
        let output =
            "starting\n\n💣 Program crashed: Bad pointer dereference at 0x0\n*** Program crashed: Bad pointer dereference at 0x0000000000000000 ***\nThread 0 crashed:\n"
        #expect(Runner.crashReport(in: output) == "Bad pointer dereference at 0x0000000000000000")
        #expect(Runner.crashReport(in: "all fine\n") == nil)
        #expect(Runner.crashReport(in: "*** Program crashed: cut") == "cut")
    }
}
