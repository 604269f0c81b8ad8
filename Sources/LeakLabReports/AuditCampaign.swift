import Foundation
import LeakLabModel
import LeakLabRunner

/// `leaklab audit`: every variant runs under jemalloc with exact accounting, at N and 4N
/// iterations, and what it measures is checked against the truth the variant declares
/// (``TruthAudit``); with mutants, the same runs are audited against deliberately wrong truths.
public enum AuditCampaign {
    /// What an audit found: a row per variant, and the mutants' results (empty without mutants).
    public struct Outcome {
        public var rows: [AuditRow]
        public var mutantResults: [MutantResult]
    }

    /// Each plan and its ``longer(_:)`` twin, in pairs: the order ``run(_:jobs:quiet:mutants:)`` expects.
    public static func pairs(_ plans: [RunPlan]) -> [RunPlan] {
        plans.flatMap { [$0, longer($0)] }
    }

    /// Runs the pairs (`jobs` at a time) and audits each variant; a variant whose rate varies by
    /// design, or whose checks ask for it, gets a second pair of runs.
    public static func run(_ plans: [RunPlan], jobs: Int, quiet: Bool, mutants: Bool) -> Outcome {
        let progress = MatrixProgress(total: plans.count, label: "audit", quiet: quiet)
        let labels = plans.map(RunKey.variant)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans) { index, _ in
            progress.step(labels[index])
        }
        progress.finish()

        var rows: [AuditRow] = [], mutantResults: [MutantResult] = []
        for index in stride(from: 0, to: plans.count, by: 2) {
            let plan = plans[index]
            let key = RunKey.variant(plan)
            let truth = (try? plan.truth()) ?? plan.variant.truth
            switch (results[index], results[index + 1]) {
            case (.success(let primary), let longer):
                var evidence = TruthAudit.Evidence(primary: primary, longer: try? longer.get())
                var checks = TruthAudit.checks(for: evidence)
                // A rate that varies by design (scheduling, a race) may land outside its spread on a
                // busy machine: a second pair of runs decides, and both are shown.
                if truth.rateVaries, checks.contains(where: { !$0.passed }),
                    checks.filter({ !$0.passed }).allSatisfy({ $0.name.contains("/iteration") }),
                    case .success(let second) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plan) }),
                    case .success(let secondLonger) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plans[index + 1]) })
                {
                    let again = TruthAudit.checks(for: TruthAudit.Evidence(primary: second, longer: secondLonger))
                    if again.allSatisfy(\.passed) {
                        let first = checks.filter { !$0.passed }.map { "\($0.name) \($0.measured)" }.joined(separator: "; ")
                        checks = again
                        checks.append(
                            TruthAudit.Check(
                                name: "rate varies: second pair", measured: "first pair outside the spread (\(first))",
                                declared: "a second pair within it", passed: true))
                        evidence = TruthAudit.Evidence(primary: second, longer: secondLonger)
                    }
                }
                if TruthAudit.needsConfirmingPair(checks),
                    case .success(let second) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plan) }),
                    case .success(let secondLonger) = Result(catching: { () throws(RunnerError) in try Runner.besideCurrentExecutable().run(plans[index + 1]) })
                {
                    evidence.confirmingPair = (second, secondLonger)
                    checks = TruthAudit.checks(for: evidence)
                }
                let row = AuditRow(variant: key, role: plan.variant.role.rawValue, verdict: truth.verdict.rawValue, checks: checks)
                rows.append(row)
                // A variant whose own truth fails has no truth to mutate: its mutants are not scored.
                if mutants, row.passed { mutantResults += MutantResult.results(variant: key, evidence: evidence) }
            case (.failure(let error), _):
                rows.append(
                    AuditRow(
                        variant: key, role: plan.variant.role.rawValue, verdict: truth.verdict.rawValue,
                        checks: [
                            TruthAudit.Check(name: "run", measured: error.description, declared: "runs", passed: false)
                        ]))
            }
        }
        return Outcome(rows: rows, mutantResults: mutantResults)
    }

    /// The same plan at ``TruthAudit/longerRunFactor`` × its workload iterations, same warm-up —
    /// or as many as the scenario's limit and the child's budgets allow for what the variant
    /// declares it leaks (fds, threads, memory, with room to spare).
    public static func longer(_ plan: RunPlan) -> RunPlan {
        var longer = plan
        let scenario = plan.entry.scenario
        let workload = plan.workloadIterations ?? scenario.defaultIterations
        let warmUp = plan.warmUpIterations ?? scenario.defaultWarmUp
        var iterations = workload * TruthAudit.longerRunFactor
        if let maximum = scenario.maximumIterations { iterations = min(iterations, maximum) }
        let rate = ((try? plan.truth()) ?? plan.variant.truth).perIteration
        func cap(_ perIteration: Double, _ budget: Int) {
            guard perIteration > 0 else { return }
            iterations = min(iterations, Int(Double(budget) / perIteration) - warmUp)
        }
        cap(rate.fds, plan.budgets.openFiles * 3 / 4)
        cap(rate.threads, plan.budgets.threads * 3 / 4)
        cap(rate.bytes + rate.nonHeapBytes, plan.budgets.memoryBytes / 4)
        longer.workloadIterations = max(workload, iterations)
        longer.warmUpIterations = warmUp
        return longer
    }
}
