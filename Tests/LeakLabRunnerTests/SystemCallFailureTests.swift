import Glibc
import LeakLabRunner
import SystemPackage
import Testing

/// Failed system calls are reported by the error's name, not its number.
@Suite struct SystemCallFailureTests {
    @Test func aFailedCallIsDescribedByTheErrorItSet() {
        let fd = open("/nonexistent-leaklab-directory/file", O_RDONLY)
        let failure = SystemCallFailure("open")
        #expect(fd == -1)
        #expect(failure.errno == .noSuchFileOrDirectory)
        #expect(failure.description == "open: No such file or directory")
    }

    @Test func aCallThatReturnsItsErrorIsDescribedTheSameWay() {
        #expect(SystemCallFailure("posix_spawn", code: EMFILE).description == "posix_spawn: Too many open files")
        #expect(!SystemCallFailure("pipe", code: ENFILE).description.contains("errno"))
    }
}
