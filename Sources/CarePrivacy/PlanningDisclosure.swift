import CareAtlas

/// What the planning outputs may publish, under the run's one disclosure decision.
///
/// - **Resampling probabilities** (P(in a catchment), P(in a budget stage's region)) are a
///   function of the area's own count, monotone in it: with the other counts published, a
///   probability would tell an attacker where in 1 … min_cell − 1 a hidden count lies. They are
///   published only for areas whose count is shown, never for a hidden cell (`<10` or `x`); there
///   the cell reads `x`. Probabilities are rounded to 0.01, coarser than the Monte Carlo error of
///   1,000 draws (≤ 0.016), so the residual dependence of a shown area's probability on the
///   hidden counts (through the ranking and the total, whose sum over hidden cells is already
///   published) carries no usable signal.
/// - **Stage intervals** bracket the stage's share: published only where the stage's own share is
///   (``Disclosure/stageMasks(_:)``).
/// - **Meeting invitees** carry their shared patients in bands (`10+` / `<10`), as the liaison
///   lists; members are listed by ward and name, never by count.
/// - Role sharing, survey lists and equity indices hold no patient count (65+ population, beds,
///   access scores) and are published whole.
/// - **Sensitivity** (``PathSensitivity``) publishes area names only, never a count or share.
///   Threshold variants move gap areas, which need no patient count; year variants select regions
///   on other years' counts, which no output publishes. A budget-measure variant's region R′ is
///   the best of its budget, and the stage's own region R fits that budget, so publishing R′
///   beside R publishes Σ_{R′∖R} x ≥ Σ_{R∖R′} x over this year's counts. That inequality joins
///   the attacker's view (``Disclosure/attackerView``) as a bound when one side holds only shown
///   counts, and the region is published only if ``DisclosureAttack/narrowedCells(_:stopAtFirst:)``
///   still finds every `<m` cell's range whole (variants taken in the table's order, each
///   published one's bound kept for the next); when both sides hold hidden counts, or the plans
///   are at another level than the line, the variant's region reads `x`. The optimality against
///   the other, unpublished regions of the budget is not modelled, as for the plans' own budget
///   stages.
public struct PlanningDisclosure: Sendable {
    public let policy: SmallCellPolicy
    private let hiddenAreas: Set<String>
    private let hiddenStages: Set<String>

    public init(_ r: StudyResults) {
        policy = r.policy
        hiddenAreas = Set(r.areas.filter(\.patientsHidden).map(\.id))
        var stages: Set<String> = []
        if let s = r.scenarios {
            for (plan, mask) in zip(s.plans, r.disclosure.stageMasks(s)) {
                for (stage, hidden) in zip(plan.stages, mask) where hidden { stages.insert(plan.name + "\u{1F}" + stage.name) }
            }
        }
        hiddenStages = stages
    }

    /// Whether an area's probabilities may be published.
    public func areaShown(_ areaID: String) -> Bool { !hiddenAreas.contains(areaID) }

    /// Whether a stage's coverage interval may be published.
    public func stageShown(plan: String, stage: String) -> Bool { !hiddenStages.contains(plan + "\u{1F}" + stage) }

    /// A probability as published: two decimals, or `x` for a hidden area.
    public func probability(_ p: Double, areaID: String) -> String {
        guard areaShown(areaID) else { return SmallCellPolicy.secondaryLabel }
        return String(format: "%.2f", p)
    }

    /// Whether each cell of `s` (in its order) may publish its region; false: the region reads `x`.
    public static func sensitivityShown(_ s: PathSensitivity, _ r: StudyResults) -> [Bool] {
        let d = r.disclosure
        let index = Dictionary(uniqueKeysWithValues: d.areaIDs.enumerated().map { ($1, $0) })
        var view = d.attackerView
        var stageRegions: [String: [String]] = [:]
        if let a = r.scenarios {
            for plan in a.plans { for (k, st) in plan.stages.enumerated() { stageRegions[plan.name + "\u{1F}\(k + 1)"] = st.areaIDs } }
        }
        return s.cells.map { c in
            guard s.variants[c.variant].factor == .budgetMeasure, let region = c.areaIDs, !c.sameRegion else { return true }
            guard s.level == r.level, let base = stageRegions[c.plan + "\u{1F}\(c.stageOrder)"] else { return false }
            let gained = Set(region).subtracting(base).sorted(), lost = Set(base).subtracting(region).sorted()
            let a = gained.compactMap { index[$0] }, b = lost.compactMap { index[$0] }
            guard a.count == gained.count, b.count == lost.count else { return false }
            func shownSum(_ cells: [Int]) -> Int? {
                var sum = 0
                for i in cells {
                    guard case .shown(let v) = view.cells[i] else { return nil }
                    sum += v
                }
                return sum
            }
            // Σ_a x ≥ Σ_b x, written as a bound on the side that holds hidden counts.
            let bound: PublishedCells.Bound
            switch (shownSum(a), shownSum(b)) {
            case (.some, .some): return true  // known numbers on both sides: nothing learnt
            case (nil, .some(let lost)): bound = PublishedCells.Bound(members: a, lower: lost, upper: nil)
            case (.some(let gainedSum), nil): bound = PublishedCells.Bound(members: b, lower: nil, upper: gainedSum)
            case (nil, nil): return false
            }
            var trial = view
            trial.bounds.append(bound)
            guard DisclosureAttack.narrowedCells(trial, stopAtFirst: true).isEmpty else { return false }
            view = trial
            return true
        }
    }

    /// A partner's shared patients as published: the band (or the count without suppression).
    public func sharedBand(_ shared: Int) -> String {
        guard policy.isSuppressing else { return String(shared) }
        return shared >= policy.minCell ? "\(policy.minCell)+" : policy.suppressedLabel
    }
}
