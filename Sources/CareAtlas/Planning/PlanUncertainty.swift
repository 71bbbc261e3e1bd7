import Foundation

/// How sure the staged choice is: the patient counts resampled (``CatchmentResampling``, seeded)
/// and, in every draw, the share catchments, every stage's coverage and every budget stage's region
/// evaluated again.
///
/// - Per area: P(in the unconstrained catchment of 50 / 75 / 90 %) and, per budget stage, P(in the
///   stage's region).
/// - Per stage of every plan: the observed share of all patients and its 2.5–97.5 % interval over
///   the draws (the stage's areas held fixed).
///
/// **Budget stages per draw.** Re-proving an integer programme in each of 1,000 draws costs minutes;
/// each draw takes instead the optimiser's own local search (swaps that keep the region connected,
/// branch drops and growth, ``RegionOptimizer``) on the drawn counts, started from the stage's
/// exact region on the observed counts (always feasible: budgets do not depend on the counts), with
/// the stage's budget, root and connectivity and the observed previous stage required. A draw's
/// region is thus a local optimum near the observed one: the probabilities measure how often the
/// draws move the choice locally, and may understate a jump to a distant region.
/// ``BudgetStage/heuristicMatchesExact`` says whether the local search, run on the observed counts,
/// keeps the exact region (it may not move away from an optimum, so it should).
public struct PlanUncertainty: Sendable {
    public struct BudgetStage: Sendable, Hashable {
        public let plan: String
        public let stage: String
        /// P(area in the stage's region), by area id (areas never chosen are absent: probability 0).
        public let probability: [String: Double]
        /// Whether the heuristic on the observed counts gives the stage's exact region.
        public let heuristicMatchesExact: Bool
        /// Draws in which no region keeps the budget (the nested previous region already exceeds it).
        public let infeasibleDraws: Int
    }

    public struct StageInterval: Sendable, Hashable {
        public let plan: String
        public let stage: String
        public let observedShare: Double
        public let lower: Double
        public let upper: Double
    }

    public let level: AreaLevel
    public let spec: UncertaintySpec
    /// Membership per area and share (the default shares), and the stage intervals' raw form.
    public let catchments: CatchmentUncertainty
    public let stages: [StageInterval]
    public let budgetStages: [BudgetStage]

    /// Resamples the counts of `shares`' ranking and evaluates `scenarios`' stages in every draw.
    public static func compute(_ model: StudyModel, spec: UncertaintySpec, shares: PatientShareAnalysis,
                               scenarios: ScenarioAnalysis?) throws -> PlanUncertainty {
        let level = shares.level
        let ids = shares.ranking.map(\.areaID)
        let patients = shares.ranking.map(\.patients)
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let plans = scenarios.flatMap { $0.level == level ? $0.plans : nil } ?? []
        let stageList = plans.flatMap { plan in plan.stages.map { (plan: plan.name, stage: $0) } }

        // Budget stages: the problem of each, in the level's own area order.
        struct BudgetJob: Sendable {
            let plan: String, stage: String, problem: RegionProblem, observed: Set<Int>
        }
        var jobs: [BudgetJob] = []
        if let scenarios, scenarios.level == level, let spec = model.spec.scenarios {
            var light = spec
            light.gaps = nil
            let context = try StageContext(model, light)
            for (p, plan) in spec.plans.enumerated() where p < scenarios.plans.count {
                var previous: Set<Int> = []
                for (k, stage) in plan.stages.enumerated() where k < scenarios.plans[p].stages.count {
                    let result = scenarios.plans[p].stages[k]
                    let members = Set(result.areaIDs.compactMap { model.areaIndex($0, at: level) })
                    if case .budget(var b) = stage.rule {
                        var notes: [String] = []
                        b.limit = context.boundedLimit(b, notes: &notes)
                        let required = plan.nested ? previous : []
                        let (perArea, _) = try context.budgetCosts(b.measure, kinds: b.kinds, limit: b.limit,
                                                                   required: required.union([context.anchorIndex]), what: "stage \(stage.name)")
                        let problem = RegionProblem(
                            weights: context.weights(stage.objective), costs: [perArea], budgets: [b.limit],
                            adjacency: context.adjacency, root: context.anchorIndex, connected: stage.contiguous,
                            required: plan.nested ? previous.sorted() : [])
                        jobs.append(BudgetJob(plan: plan.name, stage: stage.name, problem: problem, observed: members))
                    }
                    previous = members
                }
            }
        }
        let budgetJobs = jobs
        let levelIndex = ids.map { model.areaIndex($0, at: level)! }
        let objectives = jobs.map { $0.problem.weights }
        let observedPatients = (model.areas[level] ?? []).map { Double($0.patients ?? 0) }
        let stageMembers = stageList.map { $0.stage.areaIDs.compactMap { index[$0] } }
        let shareTargets = PatientShareCatchments.defaultShares
        let perDraw = CatchmentResampling.forEachDraw(
            patients: patients, outside: shares.outsidePatients, draws: spec.draws, seed: spec.seed, model: spec.model
        ) { draw, outside -> ([[Int]], [Double], [[Int]?]) in
            let total = draw.reduce(0, +) + outside
            let members = CatchmentResampling.members(draw, total: total, shares: shareTargets)
            let covered = stageMembers.map { m in total > 0 ? Double(m.reduce(0) { $0 + draw[$1] }) / Double(total) : 0 }
            // Drawn weights in the level's order: patients scaled as the stage's objective scales them.
            var drawn = [Double](repeating: 0, count: observedPatients.count)
            for (r, i) in levelIndex.enumerated() { drawn[i] = Double(draw[r]) }
            var regions: [[Int]?] = []
            for (j, job) in budgetJobs.enumerated() {
                var problem = job.problem
                problem.weights = zip(drawn, zip(objectives[j], observedPatients)).map { d, wp in wp.1 > 0 ? d * wp.0 / wp.1 : d }
                regions.append(Self.localSearch(problem, from: job.observed))
            }
            return (members, covered, regions)
        }
        let draws = Double(spec.draws)
        var memberCounts = [[Int]](repeating: [Int](repeating: 0, count: ids.count), count: shareTargets.count)
        var regionCounts = [[Int]](repeating: [Int](repeating: 0, count: observedPatients.count), count: jobs.count)
        var infeasible = [Int](repeating: 0, count: jobs.count)
        for (members, _, regions) in perDraw {
            for (k, list) in members.enumerated() { for i in list { memberCounts[k][i] += 1 } }
            for (j, region) in regions.enumerated() {
                guard let region else { infeasible[j] += 1; continue }
                for i in region { regionCounts[j][i] += 1 }
            }
        }
        let observedTotal = patients.reduce(0, +) + shares.outsidePatients
        let areas = ids.indices.map { i in
            CatchmentUncertainty.Area(areaID: ids[i], observedPatients: patients[i],
                                      membership: shareTargets.indices.map { Double(memberCounts[$0][i]) / draws })
        }
        let intervals = stageList.enumerated().map { s, entry in
            let sorted = perDraw.map { $0.1[s] }.sorted()
            let observed = stageMembers[s].reduce(0) { $0 + patients[$1] }
            return StageInterval(plan: entry.plan, stage: entry.stage.name,
                                 observedShare: observedTotal > 0 ? Double(observed) / Double(observedTotal) : 0,
                                 lower: CatchmentResampling.quantile(sorted, 0.025), upper: CatchmentResampling.quantile(sorted, 0.975))
        }
        let allAreas = model.areas[level] ?? []
        let budgetStages = jobs.enumerated().map { j, job in
            var probability: [String: Double] = [:]
            for (i, c) in regionCounts[j].enumerated() where c > 0 { probability[allAreas[i].id] = Double(c) / draws }
            return BudgetStage(plan: job.plan, stage: job.stage, probability: probability,
                               heuristicMatchesExact: Self.localSearch(job.problem, from: job.observed).map(Set.init) == job.observed,
                               infeasibleDraws: infeasible[j])
        }
        let catchments = CatchmentUncertainty(model: spec.model, draws: spec.draws, seed: spec.seed, shares: shareTargets, areas: areas,
                                              regions: intervals.map { .init(name: "\($0.plan) / \($0.stage)", areaIDs: [], observedShare: $0.observedShare, lower: $0.lower, upper: $0.upper) })
        return PlanUncertainty(level: level, spec: spec, catchments: catchments, stages: intervals, budgetStages: budgetStages)
    }

    /// The optimiser's construction heuristic on `problem`, in original indices; nil when no region fits.
    static func heuristic(_ problem: RegionProblem) -> [Int]? {
        guard let instance = try? RegionInstance(problem) else { return nil }
        if instance.fits(instance.cost(of: 0..<instance.count)) { return instance.original(Array(0..<instance.count)) }
        return instance.heuristicRegion().map { instance.original(instance.tidy($0)) }
    }

    /// The heuristic's local search on `problem` started from `start` (original indices, feasible:
    /// the budgets do not depend on the weights); nil when no region fits.
    static func localSearch(_ problem: RegionProblem, from start: Set<Int>) -> [Int]? {
        guard let instance = try? RegionInstance(problem) else { return nil }
        if instance.fits(instance.cost(of: 0..<instance.count)) { return instance.original(Array(0..<instance.count)) }
        let local = instance.nodes.indices.filter { start.contains(instance.nodes[$0]) }
        guard instance.fits(instance.cost(of: local)) else { return heuristic(problem) }
        return instance.original(instance.tidy(instance.improvedRegion(from: local)))
    }
}
