import CareAtlas

extension Publication {
    /// Adds what the share catchments of `shares` publish about the cells besides their totals:
    /// the orders and the stopping rules by which they were grown
    /// (``PatientShareCatchments/analyse(_:level:shares:)``), read from their member lists as the
    /// `catchment` command prints them (in the order the areas were added; the report lists the
    /// same sets by code, which says less). They hold whether a catchment's total is shown or not.
    ///
    /// Ties in the ranking go to the area nearer the anchor, then to the lower code; distances
    /// are published (`distance_km`), so "a before b" at equal counts is known: an order whose
    /// tie-break puts `smaller` first is strict (margin 1). With τ = target share × all patients:
    ///
    /// - **unconstrained** catchment a₁ … a_k (rank order): x_{a_j} ≥ x_{a_{j+1}} + margin; when
    ///   reached, x_{a_k} ≥ x_b + margin for every area b left out (a left-out area with patients
    ///   ranks after the last member; one with none is shown as 0);
    /// - **contiguous** catchment r₁ … r_k (grown from the anchor's area): at step j, r_j was the
    ///   neighbour of r₁ … r_{j−1} with the most patients, so x_{r_j} ≥ x_f + margin for every
    ///   other area f on that step's frontier;
    /// - **stopping rule** (both): Σ_{j<k} x_{a_j} < τ (the catchment grew once more), and
    ///   Σ_{j≤k} x_{a_j} ≥ τ when reached, < τ when not.
    ///
    /// A contiguous catchment that stops short of τ stopped because no neighbour had patients:
    /// those neighbours are zeros, which are shown, so that says nothing about hidden cells.
    ///
    /// The rules of the k-th catchment go with the k-th total of `family` (``memberRules``).
    public mutating func addCatchmentRules(_ model: StudyModel, _ shares: PatientShareAnalysis, family: Disclosure.Family) {
        guard shares.level == level else { return }
        for (k, c) in shares.catchments.enumerated() {
            guard let t = totals.firstIndex(where: { $0.family == family && $0.index == k }) else { continue }
            memberRules[t] = Self.rules(of: c, model: model, shares: shares, areaIDs: areaIDs, level: level)
        }
    }

    /// A share stage (rule "share p %") publishes the member list of the catchment of share p:
    /// its total carries that catchment's rules, whether the catchment itself is shown or not.
    /// In a nested plan the stage is the catchment C joined to the stage before it (P): its list
    /// S = P ∪ C says that every area of S ∖ P is in C and every area outside S is not, so (when
    /// C reached its target) each area of S ∖ P ≥ each area outside S (+ tie margin), Σ of
    /// S ∖ P but any one < τ (they are members other than the last one, or all but one of them),
    /// and Σ_S ≥ τ. The areas of P may or may not be in C; what that says is left out (a
    /// disjunction), so for such a stage the model holds less than the list says.
    ///
    /// `analyses` are the run's patient-share analyses at this level: a catchment of share p is
    /// taken from one that has that share (its ranking and catchments are those of an analysis
    /// of p alone: each share's catchment is grown on its own), and computed here only otherwise.
    mutating func addShareStageRules(_ model: StudyModel, _ scenarios: ScenarioAnalysis, analyses: [PatientShareAnalysis]) {
        let catchments = analyses.flatMap(\.catchments)
        /// An analysis with `share` (the run's when it has it) and its catchments of that share.
        func analysis(share: Double) -> (shares: PatientShareAnalysis, catchments: [PatientShareAnalysis.Catchment])? {
            let a = analyses.first { $0.level == level && $0.catchments.contains { $0.targetShare == share } }
                ?? (try? PatientShareCatchments.analyse(model, level: level, shares: [share]))
            return a.map { ($0, $0.catchments.filter { $0.targetShare == share }) }
        }
        for (p, plan) in scenarios.plans.enumerated() {
            for (k, stage) in plan.stages.enumerated() where stage.rule.hasPrefix("share ") {
                guard let t = totals.firstIndex(where: { $0.family == .stages(plan: p) && $0.index == k }) else { continue }
                let members = Set(stage.areaIDs)
                var found = catchments.first { Set($0.areaIDs) == members }
                if found == nil, let percent = Double(stage.rule.dropFirst(6).split(separator: " ").first ?? ""),
                   let a = analysis(share: percent / 100) {
                    found = a.catchments.first { Set($0.areaIDs) == members }
                }
                if found == nil, k > 0, let percent = Double(stage.rule.dropFirst(6).split(separator: " ").first ?? ""),
                   let a = analysis(share: percent / 100),
                   let c = a.catchments.first(where: { members == Set($0.areaIDs).union(plan.stages[k - 1].areaIDs) }) {
                    memberRules[t] = Self.nestedRules(of: c, stage: members, previous: Set(plan.stages[k - 1].areaIDs), shares: a.shares, areaIDs: areaIDs)
                    continue
                }
                guard let c = found, let shares = analysis(share: c.targetShare)?.shares else { continue }
                memberRules[t] = Self.rules(of: c, model: model, shares: shares, areaIDs: areaIDs, level: level)
            }
        }
    }

    /// What a nested share stage S = P ∪ C publishes (see ``addShareStageRules(_:_:analyses:)``).
    static func nestedRules(
        of c: PatientShareAnalysis.Catchment, stage: Set<String>, previous: Set<String>, shares: PatientShareAnalysis, areaIDs: [String]
    ) -> MemberRules {
        let index = Dictionary(uniqueKeysWithValues: areaIDs.enumerated().map { ($1, $0) })
        var distance = [Double](repeating: .infinity, count: areaIDs.count)
        for r in shares.ranking { if let i = index[r.areaID] { distance[i] = r.distanceKm } }
        let below = Int((c.targetShare * Double(shares.totalPatients)).rounded(.up)) - 1
        let added = stage.subtracting(previous).compactMap { index[$0] }.sorted()
        let inside = stage.compactMap { index[$0] }.sorted()
        guard c.reached, inside.count == stage.count else { return MemberRules(orders: [], bounds: []) }
        let out = areaIDs.indices.filter { !stage.contains(areaIDs[$0]) }
        var orders: [PublishedCells.Order] = []
        for a in added {
            for b in out {
                orders.append(.init(larger: a, smaller: b, margin: (distance[a], areaIDs[a]) < (distance[b], areaIDs[b]) ? 0 : 1))
            }
        }
        var bounds: [PublishedCells.Bound] = [.init(members: inside, lower: below + 1, upper: nil)]
        if added.count > 1 {
            for a in added { bounds.append(.init(members: added.filter { $0 != a }, lower: nil, upper: below)) }
        }
        return MemberRules(orders: orders, bounds: bounds)
    }

    /// The orders and bounds one catchment's member list publishes over the cells `areaIDs` (the
    /// outside bucket after them).
    static func rules(
        of c: PatientShareAnalysis.Catchment, model: StudyModel, shares: PatientShareAnalysis, areaIDs: [String], level: AreaLevel
    ) -> MemberRules {
        var orders: [PublishedCells.Order] = []
        var bounds: [PublishedCells.Bound] = []
        let index = Dictionary(uniqueKeysWithValues: areaIDs.enumerated().map { ($1, $0) })
        var distance = [Double](repeating: .infinity, count: areaIDs.count)
        for r in shares.ranking { if let i = index[r.areaID] { distance[i] = r.distanceKm } }
        /// Whether a comes before b at equal counts (nearer the anchor, then lower code).
        func before(_ a: Int, _ b: Int) -> Bool { (distance[a], areaIDs[a]) < (distance[b], areaIDs[b]) }
        var seen = Set<PublishedCells.Order>()
        func order(_ larger: Int, _ smaller: Int) {
            let o = PublishedCells.Order(larger: larger, smaller: smaller, margin: before(larger, smaller) ? 0 : 1)
            if seen.insert(o).inserted { orders.append(o) }
        }
        var seenBounds = Set<PublishedCells.Bound>()
        func bound(_ members: [Int], lower: Int?, upper: Int?) {
            let b = PublishedCells.Bound(members: members.sorted(), lower: lower, upper: upper)
            if seenBounds.insert(b).inserted { bounds.append(b) }
        }
        let adjacency = model.adjacency[level] ?? []
        do {
            let members = c.areaIDs.compactMap { index[$0] }
            guard members.count == c.areaIDs.count, let last = members.last else { return MemberRules(orders: [], bounds: []) }
            // Σ < τ ⇔ Σ ≤ ⌈τ⌉ − 1 over the integers (as the analysis compares, in Double).
            let target = c.targetShare * Double(shares.totalPatients)
            let below = Int(target.rounded(.up)) - 1
            if members.count > 1 { bound(Array(members.dropLast()), lower: nil, upper: below) }
            if c.reached { bound(members, lower: below + 1, upper: nil) } else { bound(members, lower: nil, upper: below) }
            if !c.contiguous {
                for (a, b) in zip(members, members.dropFirst()) { order(a, b) }
                if c.reached {
                    let inside = Set(members)
                    for b in areaIDs.indices where !inside.contains(b) { order(last, b) }
                }
            } else if adjacency.count == areaIDs.count {
                var region: Set<Int> = [members[0]]
                var frontier = Set(adjacency[members[0]])
                for next in members.dropFirst() {
                    for f in frontier.sorted() where f != next { order(next, f) }
                    region.insert(next)
                    frontier.remove(next)
                    for n in adjacency[next] where !region.contains(n) { frontier.insert(n) }
                }
            }
        }
        return MemberRules(orders: orders, bounds: bounds)
    }
}
