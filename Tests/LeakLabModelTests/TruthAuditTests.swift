import LeakLabKit
import LeakLabModel
import Testing

@Suite struct TruthAuditTests {
    func record(_ truth: GroundTruth, bytes: @escaping (Int) -> Int, settleBytes: Int? = nil, outcome: RunOutcome = .completed) -> RunRecord {
        let trace = syntheticTrace(bytes: bytes, settleBytes: settleBytes)
        return RunRecord(
            scenario: "s", variant: "v", pattern: "p", role: .leaky, plugin: "p", allocator: trace.allocator,
            parameters: [:], warmUpIterations: 0, workloadIterations: trace.workloadIterations, sampleEvery: trace.sampleEvery,
            truth: truth, outcome: outcome, budgets: .default, wallSeconds: 1, unavailableMetrics: [], samples: trace.samples)
    }

    @Test func aLeakMeasuredAtItsDeclaredRatePasses() {
        let checks = TruthAudit.checks(for: record(.leak(reachable: true, bytes: 1_000), bytes: { 1_000 * $0 }))
        #expect(checks.allSatisfy { $0.passed })
    }

    @Test func aWrongDeclaredRateFailsNamingBothNumbers() throws {
        let checks = TruthAudit.checks(for: record(.leak(reachable: true, bytes: 500), bytes: { 1_000 * $0 }))
        let bytes = try #require(checks.first { $0.name == "bytes/iteration" })
        #expect(!bytes.passed)
        #expect(bytes.measured == "1000")
        #expect(bytes.declared.hasPrefix("500"))
    }

    @Test func aDecoyThatNeverStopsGrowingFails() throws {
        let checks = TruthAudit.checks(for: record(.bounded(), bytes: { 1_000 * $0 }))
        #expect(checks.contains { $0.name == "allocated bounded" && !$0.passed })
        let plateau = TruthAudit.checks(for: record(.bounded(), bytes: { 1_000 * min($0, 200) }))
        #expect(plateau.allSatisfy { $0.passed })
    }

    @Test func aCleanVariantThatGrowsFailsAndAskForAConfirmationRun() {
        let grown = record(.clean(), bytes: { 100 * $0 })
        let checks = TruthAudit.checks(for: grown)
        #expect(checks.contains { $0.name == "bytes/iteration" && !$0.passed })
        #expect(TruthAudit.needsConfirmation(grown, checks))
        // The longer run grew just as much per iteration: the growth scales, so it stays a failure.
        let confirmed = TruthAudit.confirmed(checks, short: grown, long: grown)
        #expect(confirmed.contains { $0.name == "bytes/iteration (confirmed)" && !$0.passed })
    }

    @Test func anIncompleteRunFailsOnItsOutcome() {
        let checks = TruthAudit.checks(for: record(.clean(), bytes: { _ in 0 }, outcome: .crashed))
        #expect(checks.count == 1 && checks[0].name == "outcome" && !checks[0].passed)
    }
}
