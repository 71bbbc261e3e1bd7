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

    /// A partner's shared patients as published: the band (or the count without suppression).
    public func sharedBand(_ shared: Int) -> String {
        guard policy.isSuppressing else { return String(shared) }
        return shared >= policy.minCell ? "\(policy.minCell)+" : policy.suppressedLabel
    }
}
