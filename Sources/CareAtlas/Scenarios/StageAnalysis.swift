import CareGeometry
import Foundation

/// One stage of a plan, evaluated: its region and what taking it on means.
public struct StageResult: Sendable {
    public let plan: String
    public let name: String
    /// The rule in words, e.g. "group 区中央部", "budget max_institutions ≤ 30 (homecare_clinic)".
    public let rule: String
    /// Member area ids, sorted.
    public let areaIDs: [String]
    public let patients: Int
    /// patients / all patients of the study (outside bucket included).
    public let share: Double
    /// Wilson 95 % interval of the share.
    public let shareLower: Double
    public let shareUpper: Double
    /// Patients gained over the previous stage of the plan (all of them for the first stage).
    public let marginalPatients: Int
    public let population: Double?
    public let aged65: Double?
    public let areaKm2: Double
    /// Institutions inside by kind: the workload of relationships.
    public let institutionsByKind: [String: Int]
    /// Institutions of the liaison kinds inside (the partners to engage).
    public let engagedInstitutions: Int
    /// patients / engaged institutions.
    public let patientsPerInstitution: Double?
    /// Access-gap areas inside (nil when the study sets no `scenarios.gaps`).
    public let gapAreas: Int?
    /// Distance from the anchor to the member areas' population-weighted centroids, km.
    public let meanDistanceKm: Double
    public let maxDistanceKm: Double
    public let connected: Bool
    public let containsAnchor: Bool
    /// The optimiser's solution for budget stages.
    public let optimization: RegionSolution?
    public let geometry: Geometry
    /// Problems worth saying (a region that is not connected, a group that does not exist…).
    public let notes: [String]
}

/// The whole scenario analysis of a study.
public struct ScenarioAnalysis: Sendable {
    public let level: AreaLevel
    public let plans: [(name: String, stages: [StageResult])]
    public let frontier: Frontier?
    public let liaison: LiaisonSpec
    /// Why the stages carry no gap-area counts although the study sets `scenarios.gaps` (the
    /// access those gaps need cannot be computed, e.g. the study has no 65+ population): one
    /// English sentence for outputs; nil when the counts are there or not asked for.
    public var gapsUnavailable: String? = nil
}

extension ScenarioAnalysis {
    /// The same analysis with each plan cut to its first `stageCounts[p]` stages (a plan whose
    /// later stages cannot be published; the frontier is kept).
    public func keepingStages(_ stageCounts: [Int]) -> ScenarioAnalysis {
        let cut = plans.enumerated().map { p, plan in
            (name: plan.name, stages: Array(plan.stages.prefix(p < stageCounts.count ? stageCounts[p] : plan.stages.count)))
        }
        return ScenarioAnalysis(level: level, plans: cut, frontier: frontier, liaison: liaison, gapsUnavailable: gapsUnavailable)
    }

    /// Evaluates every plan of the study's `scenarios:` section (and the frontier when asked).
    /// With travel-time `costs`, `within_minutes` stages and the gap counts use minutes.
    public static func run(_ model: StudyModel, costs: StudyCosts? = nil, progress: @escaping (String) -> Void = { _ in }) throws -> ScenarioAnalysis {
        try run(model, costs: costs, progress: progress, gaps: nil)
    }

    /// ``run(_:costs:progress:)`` handing the access gaps of `scenarios.gaps` (computed for the
    /// gap counts) to `gaps`, for a caller that needs the same gaps at the same level.
    static func run(_ model: StudyModel, costs: StudyCosts?, progress: @escaping (String) -> Void, gaps: GapsHandoff?) throws
        -> ScenarioAnalysis
    {
        guard let spec = model.spec.scenarios, !spec.plans.isEmpty || spec.frontier != nil else {
            throw AnalysisError("the study has no scenarios", fix: "add a scenarios: section with plans (see geodata/README.md)")
        }
        let context = try StageContext(model, spec, costs: costs, gaps: gaps)
        var plans: [(String, [StageResult])] = []
        for plan in spec.plans {
            progress("plan \(plan.name)")
            var results: [StageResult] = []
            var previous: Set<Int> = []
            for stage in plan.stages {
                let (members, solution, notes) = try context.region(for: stage, previous: plan.nested ? previous : [])
                let region = plan.nested ? members.union(previous) : members
                results.append(try context.result(plan: plan.name, stage: stage, members: region, previous: results.last,
                                                  solution: solution, notes: notes))
                previous = region
            }
            plans.append((plan.name, results))
        }
        var frontier: Frontier? = nil
        if let f = spec.frontier {
            progress("frontier up to \(f.upTo)")
            frontier = try Frontier.compute(context, f, progress: progress)
        }
        return ScenarioAnalysis(level: spec.level, plans: plans, frontier: frontier, liaison: spec.liaison,
                                gapsUnavailable: context.gapsUnavailable)
    }
}

/// Everything stage rules need, computed once.
struct StageContext {
    let model: StudyModel
    let spec: ScenarioSpec
    let level: AreaLevel
    let areas: [Area]
    let adjacency: [[Int]]
    let anchorIndex: Int
    let anchorPosition: Coordinate
    let distancesKm: [Double]
    /// Minutes from each area to the anchor (nil: no route; all nil without travel-time costs).
    let minutesToAnchor: [Double?]
    let costs: StudyCosts?
    let gapAreaIDs: Set<String>?
    /// Why ``gapAreaIDs`` is nil although the study sets `scenarios.gaps`: the plans are still
    /// evaluated, without gap counts (an optional part never stops them).
    let gapsUnavailable: String?

    /// `gaps` receives the access gaps of `spec.gaps` once computed (see ``GapsHandoff``).
    init(_ model: StudyModel, _ spec: ScenarioSpec, costs: StudyCosts? = nil, gaps handoff: GapsHandoff? = nil) throws {
        self.model = model
        self.spec = spec
        level = spec.level
        guard let areas = model.areas[level], let adjacency = model.adjacency[level] else {
            throw AnalysisError("the study has no \(level.rawValue) areas", fix: "set scenarios.level to a level the study has")
        }
        guard let anchor = model.anchor, let id = anchor.areaIDs[level], let index = model.areaIndex(id, at: level) else {
            throw AnalysisError("the anchor hospital is not in a \(level.rawValue) area", fix: "set anchor: to an institution inside the study areas")
        }
        self.areas = areas
        self.adjacency = adjacency
        anchorIndex = index
        anchorPosition = anchor.position
        distancesKm = areas.map { hypot($0.weightedCentroid.x - anchor.position.x, $0.weightedCentroid.y - anchor.position.y) / 1000 }
        self.costs = costs
        let level = self.level, anchorInstitution = model.anchorIndex!
        minutesToAnchor = areas.indices.map { costs?.minutes(level: level, area: $0, institution: anchorInstitution) }
        var gapAreaIDs: Set<String>?, gapsUnavailable: String?
        if let g = spec.gaps {
            let found = Result { try AccessGaps.find(model, level: level, settings: g, costs: costs) }
            handoff?.fulfil(found)
            do {
                gapAreaIDs = Set(try found.get().gaps.gaps.map(\.areaID))
            } catch let error as AnalysisError {
                gapsUnavailable = "gap areas not counted: \(error)"
            }
        }
        self.gapAreaIDs = gapAreaIDs
        self.gapsUnavailable = gapsUnavailable
    }

    /// Per-area objective weights.
    func weights(_ objective: Objective) -> [Double] {
        let patients = areas.map { Double($0.patients ?? 0) }
        switch objective {
        case .patients: return patients
        case .needWeighted:
            let need = areas.map { $0.population["aged65"] ?? 0 }
            let mean = need.reduce(0, +) / Double(max(1, need.count))
            return zip(patients, need).map { mean > 0 ? $0 * $1 / mean : $0 }
        }
    }

    /// Areas where `measure` has no data: no total population (`max_population`), or outside the
    /// coverage of a source of the counted kinds (`max_institutions`). Their cost is unknown, never
    /// 0: counted as 0 a budget would take them for free.
    func areasWithoutData(_ measure: Budget.Measure, kinds: [String]) -> Set<Int> {
        switch measure {
        case .maxAreas: return []
        case .maxPopulation: return Set(areas.indices.filter { areas[$0].population["total"] == nil })
        case .maxInstitutions:
            return Set(areas.indices.filter { !model.sourcesNotCovering(areas[$0].id, at: level, kinds: kinds).isEmpty })
        }
    }

    /// Per-area costs for budgets of at most `limit` in `measure`: an area without data for the
    /// measure (``areasWithoutData(_:kinds:)``) costs more than `limit`, so it is never taken; one
    /// that must be taken (`required`: the anchor's area, a nested plan's earlier stages) makes the
    /// budget impossible to measure, an error naming the areas.
    func budgetCosts(_ measure: Budget.Measure, kinds: [String], limit: Double, required: Set<Int>, what: String) throws
        -> (costs: [Double], noData: Set<Int>)
    {
        var perArea = costs(measure, kinds: kinds)
        let noData = areasWithoutData(measure, kinds: kinds)
        let blocked = noData.intersection(required).sorted()
        guard blocked.isEmpty else {
            let names = blocked.prefix(3).map { areas[$0].name }.joined(separator: ", ") + (blocked.count > 3 ? ", …" : "")
            throw AnalysisError(
                "\(what): \(blocked.count) area\(blocked.count == 1 ? "" : "s") that must be in the region (\(names)) \(blocked.count == 1 ? "has" : "have") no data for \(measure.rawValue), so the budget cannot be measured",
                fix: measure == .maxPopulation ? "give those areas a total population, or use max_areas"
                    : "give those areas' institutions a source that covers them, or use max_areas")
        }
        for i in noData { perArea[i] = limit + 1 }
        return (perArea, noData)
    }

    /// The note for areas a budget left out for want of data, nil when there are none.
    func noDataNote(_ noData: Set<Int>, _ measure: Budget.Measure) -> String? {
        noData.isEmpty ? nil : "\(noData.count) area\(noData.count == 1 ? "" : "s") without data for \(measure.rawValue) left out (never counted as 0)"
    }

    /// Per-area cost under a budget measure (0 where the measure has no data: budgets use
    /// ``budgetCosts(_:kinds:limit:required:what:)``).
    func costs(_ measure: Budget.Measure, kinds: [String]) -> [Double] {
        switch measure {
        case .maxAreas: return areas.map { _ in 1 }
        case .maxPopulation: return areas.map { $0.population["total"] ?? 0 }
        case .maxInstitutions:
            return areas.map { a in
                Double(a.institutionIndices.filter { kinds.isEmpty || kinds.contains(model.institutions[$0].kind) }.count)
            }
        }
    }

    /// The region a stage's rule selects (before nesting), the optimiser's solution for budgets,
    /// and notes.
    func region(for stage: StageSpec, previous: Set<Int>) throws -> (Set<Int>, RegionSolution?, [String]) {
        var notes: [String] = []
        var members: Set<Int>
        switch stage.rule {
        case .areas(let codes):
            members = []
            for c in codes {
                let id = c.trimmingCharacters(in: .whitespaces)
                if let i = model.areaIndex(id, at: level) { members.insert(i) } else { notes.append("area \(id) is not a \(level.rawValue) area of the study") }
            }
        case .group(let name):
            members = Set(areas.indices.filter { areas[$0].groups.values.contains(name) })
            if members.isEmpty {
                let known = Set(areas.flatMap(\.groups.values)).sorted().joined(separator: ", ")
                throw AnalysisError("stage \(stage.name): no \(level.rawValue) area is in a group \"\(name)\"", fix: "groups are: \(known)")
            }
        case .share(let s):
            let analysis = try PatientShareCatchments.analyse(model, level: level, shares: [s])
            let catchment = analysis.catchments.first { $0.contiguous == stage.contiguous }!
            members = Set(catchment.areaIDs.compactMap { model.areaIndex($0, at: level) })
            if !catchment.reached { notes.append("the areas cannot reach \(Int((s * 100).rounded())) % of all patients") }
        case .withinKm(let km):
            members = Set(areas.indices.filter { distancesKm[$0] <= km })
            members.insert(anchorIndex)
            if stage.contiguous { members = component(of: anchorIndex, in: members) }
        case .withinMinutes(let minutes):
            guard let costs else {
                throw AnalysisError("stage \(stage.name): within_minutes needs a travel-time cost",
                                    fix: "add cost: {network: {pbf: …}} or cost: {table: {file: …}} to the study, or use within_km")
            }
            try costs.checkThreshold(minutes, what: "stage \(stage.name): within_minutes")
            // Areas without a route to the anchor (or without travel times) are never inside.
            members = Set(areas.indices.filter { (minutesToAnchor[$0] ?? .infinity) <= minutes })
            members.insert(anchorIndex)
            if stage.contiguous { members = component(of: anchorIndex, in: members) }
            let noData = Set(costs.areasWithoutData[level] ?? [])
            let missing = areas.indices.filter { minutesToAnchor[$0] == nil && $0 != anchorIndex }
            let noRoute = missing.filter { !noData.contains(areas[$0].id) }.count, withoutData = missing.count - noRoute
            if noRoute > 0 { notes.append("\(noRoute) area\(noRoute == 1 ? " has" : "s have") no route to the anchor (left out)") }
            if withoutData > 0 { notes.append("\(withoutData) area\(withoutData == 1 ? " has" : "s have") no travel time (off the network; left out)") }
        case .budget(var b):
            b.limit = boundedLimit(b, notes: &notes)
            let (perArea, noData) = try budgetCosts(b.measure, kinds: b.kinds, limit: b.limit, required: previous.union([anchorIndex]),
                                                    what: "stage \(stage.name)")
            if let note = noDataNote(noData, b.measure) { notes.append(note) }
            let problem = RegionProblem(
                weights: weights(stage.objective), costs: [perArea], budgets: [b.limit],
                adjacency: adjacency, root: anchorIndex, connected: stage.contiguous, required: previous.sorted())
            let solution: RegionSolution
            do { solution = try RegionOptimizer.solve(problem) } catch {
                throw AnalysisError("stage \(stage.name): \(error)", fix: "raise the budget or relax the stage before it")
            }
            if !solution.optimal {
                notes.append(String(format: "not proven optimal: gap %.2f %% (%@)", solution.gap * 100, solution.method))
            }
            return (Set(solution.selected), solution, notes)
        }
        return (members, nil, notes)
    }

    /// The connected part of `set` that contains `start` (over the level's adjacency).
    func component(of start: Int, in set: Set<Int>) -> Set<Int> {
        guard set.contains(start) else { return [] }
        var seen: Set<Int> = [start]
        var stack = [start]
        while let v = stack.popLast() {
            for w in adjacency[v] where set.contains(w) && !seen.contains(w) {
                seen.insert(w)
                stack.append(w)
            }
        }
        return seen
    }

    func result(plan: String, stage: StageSpec, members: Set<Int>, previous: StageResult?, solution: RegionSolution?,
                notes: [String]) throws -> StageResult {
        var notes = notes
        let chosen = members.sorted().map { areas[$0] }
        let patients = chosen.reduce(0) { $0 + ($1.patients ?? 0) }
        let total = model.totalPatients
        let ci = wilsonInterval(successes: Double(patients), trials: Double(max(total, 1))) ?? (0, 0)
        var kinds: [String: Int] = [:]
        for a in chosen { for k in a.institutionIndices { kinds[model.institutions[k].kind, default: 0] += 1 } }
        let liaisonKinds = Set(spec.liaison.kinds)
        let engaged = chosen.reduce(0) { sum, a in
            sum + a.institutionIndices.filter { k in
                k != model.anchorIndex && (liaisonKinds.isEmpty || liaisonKinds.contains(model.institutions[k].kind))
            }.count
        }
        func sum(_ key: String) -> Double? {
            let v = chosen.compactMap { $0.population[key] }
            return v.count == chosen.count && !v.isEmpty ? v.reduce(0, +) : nil
        }
        let connected = component(of: members.first ?? anchorIndex, in: members).count == members.count
        let containsAnchor = members.contains(anchorIndex)
        if stage.contiguous && !(connected && containsAnchor) {
            notes.append(connected ? "the region does not contain the anchor's area" : "the region is not connected")
        }
        let distances = members.sorted().map { distancesKm[$0] }  // sorted: a Set's order changes between runs
        return StageResult(
            plan: plan, name: stage.name, rule: Self.describe(stage.rule), areaIDs: chosen.map(\.id), patients: patients,
            share: total > 0 ? Double(patients) / Double(total) : 0, shareLower: ci.lower, shareUpper: ci.upper,
            marginalPatients: patients - (previous?.patients ?? 0), population: sum("total"), aged65: sum("aged65"),
            areaKm2: chosen.reduce(0) { $0 + $1.areaKm2 }, institutionsByKind: kinds, engagedInstitutions: engaged,
            patientsPerInstitution: engaged > 0 ? Double(patients) / Double(engaged) : nil,
            gapAreas: gapAreaIDs.map { g in chosen.filter { g.contains($0.id) }.count },
            meanDistanceKm: distances.isEmpty ? 0 : distances.reduce(0, +) / Double(distances.count),
            maxDistanceKm: distances.max() ?? 0, connected: connected, containsAnchor: containsAnchor, optimization: solution,
            geometry: try dissolve(chosen, in: model, "the union of stage \(stage.name) of plan \(plan)"), notes: notes)
    }

    static func describe(_ rule: StageRule) -> String {
        switch rule {
        case .areas(let codes): return "areas \(codes.joined(separator: " "))"
        case .group(let g): return "group \(g)"
        case .share(let s): return "share \(Int((s * 100).rounded())) %"
        case .withinKm(let km): return "within \(km) km of the anchor"
        case .withinMinutes(let minutes): return "within \(numberText(minutes)) min of the anchor"
        case .budget(let b):
            let limit = b.limit == b.limit.rounded() ? String(Int(b.limit)) : String(b.limit)
            return "\(b.measure.rawValue) ≤ \(limit)" + (b.kinds.isEmpty ? "" : " (\(b.kinds.joined(separator: ", ")))")
        }
    }
}
