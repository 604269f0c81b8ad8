import LeakLabDetectors
import LeakLabModel
import LeakLabRunner

/// `leaklab power`'s runs: the `drip` scenario's leaky variant at every point of a sweep (rate ×
/// iterations × noise × seeds), then the catalogue's negatives (every clean or bounded variant,
/// chosen by its truth, not its role) at their default iterations; and what the runs say about
/// each detector (``PowerAnalysis``; docs/power.md).
public struct PowerCampaign {
    public var sweep: PowerSweep
    public var negativeRepeat: Int
    /// Every run, positives first, in sweep order.
    public var plans: [RunPlan] = []
    /// The sweep cell of each plan; nil for a negative.
    public var cells: [PowerAnalysis.Cell?] = []

    /// - Parameter negatives: the scenarios whose negatives run (nil: every scenario).
    /// - Throws: `RunnerError.usage` when drip is not loaded, a negative scenario is unknown or a
    ///   parameter is invalid, before any child runs.
    public init(catalog: PluginCatalog, sweep: PowerSweep, negativeRepeat: Int, negatives: [String]?, mallocConf: String?, budgets: Budgets = .default) throws {
        self.sweep = sweep
        self.negativeRepeat = negativeRepeat
        guard let drip = catalog.entries.first(where: { $0.scenario.id == "drip" }),
            let leaky = drip.scenario.variants.first(where: { $0.role == .leaky })
        else { throw RunnerError.usage("power needs the drip scenario (the Others plugin): it is not loaded") }
        for point in sweep.points {
            plans.append(
                RunPlan(
                    entry: drip, variant: leaky, workloadIterations: point.cell.iterations,
                    parameterOverrides: point.parameters, budgets: budgets, mallocConf: mallocConf))
            cells.append(point.cell)
        }
        let chosen = try negatives.map { ids in try ids.map { try catalog.entry(for: $0) } } ?? catalog.entries
        for entry in chosen {
            for variant in entry.scenario.variants {
                // Negatives by their truth, not their role: a fixed variant may still leak by design.
                let probe = RunPlan(entry: entry, variant: variant, parameterOverrides: ["seed": "42"], budgets: budgets, mallocConf: mallocConf)
                guard (try? probe.truth())?.verdict.isLeak == false else { continue }
                for index in 0..<negativeRepeat {
                    var plan = probe
                    plan.parameterOverrides["seed"] = String(42 + index)
                    plans.append(plan)
                    cells.append(nil)
                }
            }
        }
        for plan in plans { _ = try plan.request() }  // a bad parameter stops us before any run
    }

    /// The report over the runs' results (one per plan, in order), for the named detectors.
    public func document(_ results: [Result<RunRecord, RunnerError>], detectors names: [String]) -> PowerDocument {
        var observations: [PowerAnalysis.Observation] = []
        var negativeObservations: [PowerAnalysis.NegativeObservation] = []
        var errors: [String] = []
        for (index, result) in results.enumerated() {
            let record: RunRecord
            switch result {
            case .success(let finished): record = finished
            case .failure(let error):
                errors.append("\(RunKey.sweep(plans[index])): \(error)")
                continue
            }
            for name in names {
                let verdict = record.verdict(of: name)
                if let cell = cells[index] {
                    let latency = verdict?.firstIteration.map { max(0, $0 - record.warmUpIterations) }
                    observations.append(.init(detector: name, cell: cell, leak: verdict?.leak, latency: latency))
                } else {
                    negativeObservations.append(.init(detector: name, variant: "\(record.scenario)/\(record.variant)", leak: verdict?.leak))
                }
            }
        }
        let report = PowerAnalysis.analyze(detectors: names, observations: observations, negatives: negativeObservations)
        return PowerDocument(
            sweep: .init(
                rates: sweep.rates, iterations: sweep.iterations, noise: sweep.noise, repeats: sweep.repeats,
                negativeRepeats: negativeRepeat, negatives: Array(Set(negativeObservations.map(\.variant))).sorted()),
            detectors: report, errors: errors)
    }
}
