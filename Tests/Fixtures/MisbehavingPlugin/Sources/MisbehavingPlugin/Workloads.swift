import LeakLabKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Allocates and touches 64 MiB per iteration as fast as it can, and never frees it. The blocks
/// are kept (otherwise the optimiser removes an allocation nobody reads).
final class FastLeak: ScenarioWorkload {
    static let chunk = 64 << 20
    var blocks: [UnsafeMutableRawPointer] = []

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        guard let block = malloc(Self.chunk) else { return }
        memset(block, Int32(index & 0x7f) | 1, Self.chunk)  // touch every page: make it resident
        blocks.append(block)
    }
}

/// Starts threads that never end, 64 per iteration, with small stacks so that the thread budget,
/// not the address space, is what stops it.
final class ThreadBomb: ScenarioWorkload {
    static let perIteration = 64

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 64 << 10)
        for _ in 0..<Self.perIteration {
            var thread = pthread_t()
            _ = pthread_create(
                &thread, &attributes,
                { _ in
                    while true { pause() }
                }, nil)
        }
    }
}

/// An error carrying errno's text.
struct SystemCallFailed: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "\(call) failed: \(String(cString: strerror(code))) (errno \(code))" }
}

/// Opens 64 descriptors per iteration and never closes them; throws when open fails.
final class FDExhaustion: ScenarioWorkload {
    static let perIteration = 64

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        for _ in 0..<Self.perIteration {
            let fd = open("/dev/null", O_RDONLY)
            if fd < 0 { throw SystemCallFailed(call: "open(/dev/null)", code: errno) }
        }
    }
}

/// Crashes, one way or another, at a given iteration.
final class Crasher: ScenarioWorkload {
    enum Way { case segfault, fatalError, abort, exitZero }
    let way: Way
    let at: Int
    init(_ way: Way, at: Int) {
        self.way = way
        self.at = at
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {
        usleep(2_000)
        guard index == at else { return }
        switch way {
        case .segfault:
            let bad = UnsafeMutablePointer<Int>(bitPattern: 0x10)!
            bad.pointee = 42
        case .fatalError:
            fatalError("the misbehaving plugin gives up at iteration \(index)")
        case .abort:
            abort()
        case .exitZero:
            exit(0)
        }
    }
}

/// Runs normally, then never returns from tearDown.
final class HangInTearDown: ScenarioWorkload {
    func iteration(_ index: Int, context: ScenarioContext) async throws {}

    func tearDown(context: ScenarioContext) async throws {
        while true { sleep(1) }
    }
}

/// Registers an `atexit` handler that never returns: every phase runs and reports, then the
/// process cannot exit. The lab kills it a few seconds after it reported the end, not at the
/// wall-time budget, and keeps what it measured.
final class HangsAtExit: ScenarioWorkload {
    func setUp(context: ScenarioContext) async throws {
        atexit { while true { sleep(1) } }
    }

    func iteration(_ index: Int, context: ScenarioContext) async throws {}
}

/// The error a plugin's setUp throws.
struct SetUpRefused: Error, CustomStringConvertible {
    var description: String { "misbehaving fixture: cannot reach the database at db.example.invalid:5432 (connection refused)" }
}

/// Throws from setUp.
final class ThrowsInSetUp: ScenarioWorkload {
    func setUp(context: ScenarioContext) async throws { throw SetUpRefused() }
    func iteration(_ index: Int, context: ScenarioContext) async throws {}
}

/// Does nothing much, a little slowly.
final class Polite: ScenarioWorkload {
    let pauseMillis: Int
    init(pauseMillis: Int) { self.pauseMillis = pauseMillis }
    func iteration(_ index: Int, context: ScenarioContext) async throws { usleep(UInt32(pauseMillis) * 1_000) }
}
