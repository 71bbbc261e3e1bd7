/// The `scenarios:` section of a study file: staged target-region plans, the budget frontier, the
/// liaison lists and the access settings used for gap areas. Documented in geodata/README.md.
public struct ScenarioSpec: Sendable, Hashable {
    /// Area level the regions are made of (default municipality).
    public var level: AreaLevel = .municipality
    public var plans: [StagePlan] = []
    public var frontier: FrontierSpec?
    public var liaison = LiaisonSpec()
    public var gaps: GapSettings?
    public init() {}
}

/// A named sequence of stages; stages are nested by default (each contains the previous one).
public struct StagePlan: Sendable, Hashable {
    public var name: String
    public var nested: Bool = true
    public var stages: [StageSpec]
    public init(name: String, nested: Bool = true, stages: [StageSpec]) {
        self.name = name
        self.nested = nested
        self.stages = stages
    }
}

/// What a stage's region is.
public enum StageRule: Sendable, Hashable {
    /// These area codes.
    case areas([String])
    /// The members of a group (e.g. 区中央部) of any grouping.
    case group(String)
    /// The catchment from the anchor reaching this share of all patients (contiguous by default).
    case share(Double)
    /// Areas whose population-weighted centroid lies within this distance of the anchor.
    case withinKm(Double)
    /// Areas whose population-weighted centroid reaches the anchor within this many minutes
    /// (needs a travel-time `cost:`; areas without a route are outside).
    case withinMinutes(Double)
    /// The exact best region within a budget.
    case budget(Budget)
}

/// A budget: at most `limit` of a workload measure.
public struct Budget: Sendable, Hashable {
    public enum Measure: String, Sendable, Hashable, CaseIterable {
        /// Institutions of `kinds` inside the region (the relationships to sustain).
        case maxInstitutions = "max_institutions"
        /// Total population of the region.
        case maxPopulation = "max_population"
        /// Number of areas.
        case maxAreas = "max_areas"
    }
    public var measure: Measure
    public var limit: Double
    /// Institution kinds counted by `max_institutions` (all kinds when empty).
    public var kinds: [String] = []
    public init(measure: Measure, limit: Double, kinds: [String] = []) {
        self.measure = measure
        self.limit = limit
        self.kinds = kinds
    }
}

/// What the optimised regions maximise.
public enum Objective: String, Sendable, Hashable, CaseIterable {
    /// The hospital's patients living in the region.
    case patients
    /// Patients weighted by need: pᵢ · (65+ᵢ / mean 65+ of the level's areas).
    case needWeighted = "need_weighted"
}

public struct StageSpec: Sendable, Hashable {
    public var name: String
    public var rule: StageRule
    /// The region must be connected and contain the anchor's area (default true).
    public var contiguous: Bool = true
    public var objective: Objective = .patients
    public init(name: String, rule: StageRule, contiguous: Bool = true, objective: Objective = .patients) {
        self.name = name
        self.rule = rule
        self.contiguous = contiguous
        self.objective = objective
    }
}

/// Coverage against every budget 1 … `upTo`.
public struct FrontierSpec: Sendable, Hashable {
    public var measure: Budget.Measure = .maxInstitutions
    public var kinds: [String] = []
    public var upTo: Int
    public var objective: Objective = .patients
    public init(measure: Budget.Measure = .maxInstitutions, kinds: [String] = [], upTo: Int, objective: Objective = .patients) {
        self.measure = measure
        self.kinds = kinds
        self.upTo = upTo
        self.objective = objective
    }
}

/// Which partners make the liaison list of a stage.
public struct LiaisonSpec: Sendable, Hashable {
    /// Institutions with at least this many shared patients (default 1: every institution that
    /// cared for at least one of the hospital's patients).
    public var minShared: Int = 1
    /// Kinds listed (all kinds except the anchor when empty).
    public var kinds: [String] = []
    public init(minShared: Int = 1, kinds: [String] = []) {
        self.minShared = minShared
        self.kinds = kinds
    }
}

/// Floating-catchment settings for the access-gap count per stage.
///
/// With a straight-line cost the threshold is `threshold_m` (default 5,000 m) and the gap rule's
/// limit `within_km` (default 16 km); with a travel-time cost they are `threshold_minutes`
/// (default 30) and `within_minutes` (default 20: "no home-care clinic within 20 minutes").
public struct GapSettings: Sendable, Hashable {
    public var kinds: [String]
    public var capacity: String
    public var thresholdMeters: Double = 5000
    public var withinKm: Double = 16
    /// Travel-time limits (nil: the defaults, 30 and 20 minutes).
    public var thresholdMinutes: Double? = nil
    public var withinMinutesLimit: Double? = nil
    /// Whether metre or kilometre limits were written (an error with a travel-time cost).
    public var distanceLimitsGiven = false

    public static let defaultThresholdMinutes = 30.0
    public static let defaultWithinMinutes = 20.0

    /// The access threshold in the cost's unit: metres, or minutes with travel-time `costs`.
    public func threshold(costs: StudyCosts?) throws -> Double {
        guard let costs else {
            if thresholdMinutes != nil || withinMinutesLimit != nil {
                throw AnalysisError("scenarios.gaps gives minutes but the study's cost is straight-line distance",
                                    fix: "add cost: {network: …} or cost: {table: …} to the study, or write threshold_m and within_km")
            }
            return thresholdMeters
        }
        if distanceLimitsGiven {
            throw AnalysisError("scenarios.gaps gives threshold_m or within_km but the study's cost is travel time",
                                fix: "write threshold_minutes and within_minutes instead")
        }
        let t = thresholdMinutes ?? Self.defaultThresholdMinutes
        try costs.checkThreshold(t, what: "scenarios.gaps.threshold_minutes")
        return t
    }

    /// The time limit of the gap rule with travel-time `costs`, nil with straight-line costs.
    public func withinMinutes(costs: StudyCosts?) throws -> Double? {
        guard let costs else { return nil }
        let t = withinMinutesLimit ?? Self.defaultWithinMinutes
        try costs.checkThreshold(t, what: "scenarios.gaps.within_minutes")
        return t
    }

    public init(kinds: [String], capacity: String, thresholdMeters: Double = 5000, withinKm: Double = 16) {
        self.kinds = kinds
        self.capacity = capacity
        self.thresholdMeters = thresholdMeters
        self.withinKm = withinKm
    }
}
