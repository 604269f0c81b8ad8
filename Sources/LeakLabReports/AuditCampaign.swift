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
    /// - Parameter reachability: also measure what memcheck finds lost in each leak that declares
    ///   heap blocks (``measureReachability(_:jobs:quiet:)``) and check the declared reachability.
    public static func run(_ plans: [RunPlan], jobs: Int, quiet: Bool, mutants: Bool, reachability: Bool = false) -> Outcome {
        let progress = MatrixProgress(total: plans.count, label: "audit", quiet: quiet)
        let labels = plans.map(RunKey.variant)
        let results = MatrixRunner(runner: .besideCurrentExecutable(), jobs: jobs).run(plans) { index, _ in
            progress.step(labels[index])
        }
        progress.finish()
        let primaries = stride(from: 0, to: plans.count, by: 2).map { plans[$0] }
        let reachabilities = reachability ? measureReachability(primaries, jobs: jobs, quiet: quiet) : [:]

        var rows: [AuditRow] = [], mutantResults: [MutantResult] = []
        for index in stride(from: 0, to: plans.count, by: 2) {
            let plan = plans[index]
            let key = RunKey.variant(plan)
            let truth = (try? plan.truth()) ?? plan.variant.truth
            switch (results[index], results[index + 1]) {
            case (.success(let primary), let longer):
                var evidence = TruthAudit.Evidence(primary: primary, longer: try? longer.get())
                var measurementFailure: String?
                switch reachabilities[index / 2] {
                case .success(let growth)?: evidence.reachability = growth
                case .failure(let failure)?: measurementFailure = failure.reason
                case nil: break
                }
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
                if let growth = evidence.reachability {
                    checks.append(TruthAudit.Check(name: "reachability measured", measured: growth.note, declared: "memcheck at N and 2N", passed: true))
                }
                if let measurementFailure {
                    checks.append(
                        TruthAudit.Check(
                            name: "reachability (memcheck)", measured: "not measured: \(measurementFailure)", declared: "memcheck at N and 2N",
                            passed: false))
                }
                // Say why the longer run is shorter than 4N, where it is: its checks carry its length.
                let limit = longerRunLimit(plan)
                if let reason = limit.limitedBy {
                    let workload = plan.workloadIterations ?? plan.entry.scenario.defaultIterations
                    checks.append(
                        TruthAudit.Check(
                            name: "longer run", measured: "\(limit.iterations) it.",
                            declared: "\(TruthAudit.longerRunFactor)×N = \(workload * TruthAudit.longerRunFactor), held by \(reason)", passed: true))
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

    /// What memcheck finds lost per iteration in each plan whose truth is a leak with heap blocks,
    /// by the plan's index; `jobs` at a time (each plan runs twice under valgrind).
    static func measureReachability(_ plans: [RunPlan], jobs: Int, quiet: Bool) -> [Int: Result<ReachabilityGrowth, ToolFailure>] {
        let measured = plans.indices.filter { index in
            let truth = (try? plans[index].truth()) ?? plans[index].variant.truth
            return truth.verdict == .leak && truth.expectedOutcome == .completed
                && truth.parts.contains { $0.kind == .heap && $0.objects > 0 }
        }
        let host = Runner.besideCurrentExecutable().hostExecutable
        let progress = MatrixProgress(total: measured.count, label: "reachability (memcheck)", quiet: quiet)
        let labels = plans.map(RunKey.variant)
        let results = WorkerPool.map(
            measured.count, jobs: jobs,
            work: { Memcheck.reachabilityGrowth(plans[measured[$0]], hostExecutable: host) },
            onFinished: { index, _ in progress.step(labels[measured[index]]) })
        progress.finish()
        return Dictionary(uniqueKeysWithValues: zip(measured, results))
    }

    /// The same plan at ``TruthAudit/longerRunFactor`` × its workload iterations, same warm-up —
    /// or as many as the scenario's limit and the child's budgets allow for what the variant
    /// declares it leaks (fds, threads, memory, with room to spare; ``longerRunLimit(_:)``).
    public static func longer(_ plan: RunPlan) -> RunPlan {
        var longer = plan
        longer.workloadIterations = longerRunLimit(plan).iterations
        longer.warmUpIterations = plan.warmUpIterations ?? plan.entry.scenario.defaultWarmUp
        return longer
    }

    /// The longer run's workload iterations, and what held it under ``TruthAudit/longerRunFactor``
    /// × N, if anything: "the scenario's maximumIterations 200", "the fd budget 4096".
    public static func longerRunLimit(_ plan: RunPlan) -> (iterations: Int, limitedBy: String?) {
        let scenario = plan.entry.scenario
        let workload = plan.workloadIterations ?? scenario.defaultIterations
        let warmUp = plan.warmUpIterations ?? scenario.defaultWarmUp
        var iterations = workload * TruthAudit.longerRunFactor
        var limitedBy: String?
        func limit(_ candidate: Int, _ reason: String) {
            guard candidate < iterations else { return }
            iterations = candidate
            limitedBy = reason
        }
        if let maximum = scenario.maximumIterations { limit(maximum, "the scenario's maximumIterations \(maximum)") }
        let rate = ((try? plan.truth()) ?? plan.variant.truth).perIteration
        func cap(_ perIteration: Double, _ room: Int, _ share: String) {
            guard perIteration > 0 else { return }
            limit(Int(Double(room) / perIteration) - warmUp, "\(share), at the \(Format.rate(perIteration)) per iteration the variant declares")
        }
        cap(rate.fds, plan.budgets.openFiles * 3 / 4, "¾ of the fd budget (\(plan.budgets.openFiles))")
        cap(rate.threads, plan.budgets.threads * 3 / 4, "¾ of the thread budget (\(plan.budgets.threads))")
        cap(rate.bytes + rate.nonHeapBytes, plan.budgets.memoryBytes / 4, "¼ of the memory budget (\(Format.bytes(plan.budgets.memoryBytes)))")
        return iterations > workload ? (iterations, limitedBy) : (workload, limitedBy)
    }
}
