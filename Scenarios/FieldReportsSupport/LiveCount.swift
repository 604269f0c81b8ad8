import Synchronization

/// A count of live instances of one kernel type, kept by the kernel itself (incremented in `init`,
/// decremented in `deinit`): the plugin's own measure of what leaked, independent of the lab's
/// allocator probes. Kernels compare it with what their variant should leave behind in `tearDown`
/// and fail the run when the report's behaviour no longer holds (``IndependentCheckFailed``).
package final class LiveCount: Sendable {
    /// What is counted, for messages: "URLSession delegates".
    package let what: String
    private let value = Atomic<Int>(0)

    package init(_ what: String) { self.what = what }

    package func increment() { value.add(1, ordering: .relaxed) }
    package func decrement() { value.subtract(1, ordering: .relaxed) }
    /// Instances alive now.
    package var live: Int { value.load(ordering: .relaxed) }
}

/// A kernel's own count disagrees with what its variant claims: the report's leak no longer
/// reproduces (or a fix no longer holds) on this toolchain. The run ends as `failed`, naming both.
package struct IndependentCheckFailed: Error, CustomStringConvertible {
    package let description: String

    /// - Parameters:
    ///   - what: what was counted ("live URLSession delegates").
    ///   - expected: the range the variant's truth allows.
    ///   - measured: the kernel's count.
    ///   - iterations: iterations run so far, for the reader.
    package init(_ what: String, expected: ClosedRange<Int>, measured: Int, iterations: Int) {
        description = "independent check: \(measured) \(what) after \(iterations) iterations, expected \(expected.lowerBound)...\(expected.upperBound)"
    }

    /// Throws unless `measured` is within `expected`.
    package static func check(_ what: String, expected: ClosedRange<Int>, measured: Int, iterations: Int) throws {
        guard expected.contains(measured) else {
            throw IndependentCheckFailed(what, expected: expected, measured: measured, iterations: iterations)
        }
    }
}
