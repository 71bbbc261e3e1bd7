import CarePoints
import Foundation

/// Inequality of access inside one stage's region (``CarePoints/AccessInequality``): the 2SFCA
/// scores of the study's `scenarios.gaps` over the stage's areas, weighted by their 65+
/// population. An area with no supply in reach counts with a score of 0 (it has no access); an area
/// without a score for want of data (no population, outside a source's coverage) is left out.
public struct StageEquity: Sendable {
    public let plan: String
    public let stage: String
    public let inequality: AccessInequality

    /// One entry per stage of every plan of `scenarios`, at the access level.
    public static func compute(_ model: StudyModel, scenarios: ScenarioAnalysis, access: StudyAccess) -> [StageEquity] {
        scenarios.plans.flatMap { plan in
            plan.stages.map { stage in
                let scores = stage.areaIDs.map { id -> Double in
                    if let s = access.score(id) { return s }
                    return access.status(id) == .noSupplyInReach ? 0 : .nan
                }
                let population = stage.areaIDs.map { model.area($0, at: scenarios.level)?.population["aged65"] ?? .nan }
                return StageEquity(plan: plan.name, stage: stage.name, inequality: AccessInequality(scores: scores, population: population))
            }
        }
    }
}

/// Everything of the study's `planning:` section, each part available or with the reason it is not.
public struct PlanningAnalysis: Sendable {
    public let roleSharing: Availability<RoleSharingResult>?
    public let meetings: Availability<MeetingGroups>?
    public let survey: Availability<SurveyList>?
    public let uncertainty: Availability<PlanUncertainty>?
    /// The stages again under other thresholds, budget measures and years.
    public let sensitivity: Availability<PathSensitivity>?
    /// Gini and Theil of access per stage (empty without access or plans).
    public let equity: [StageEquity]

    /// Runs the parts the study's `planning:` asks for; nil when it has none. `costs`: the study's
    /// travel-time costs, when it has them (the sensitivity's thresholds are then minutes).
    public static func compute(_ model: StudyModel, shares: PatientShareAnalysis, scenarios: ScenarioAnalysis?,
                               access: StudyAccess?, costs: StudyCosts? = nil) throws -> PlanningAnalysis? {
        guard let spec = model.spec.planning else { return nil }
        let roleSharing = try spec.roleSharing.map { s in
            try Availability.attempt("role sharing not computed") { try RoleSharingResult.analyse(model, spec: s, scenarios: scenarios) }
        }
        let meetings = try spec.meetings.map { s in
            try Availability.attempt("meeting groups not made") { try MeetingGroups.build(model, spec: s, scenarios: scenarios) }
        }
        let survey = try spec.survey.map { s in
            try Availability.attempt("survey list not made") { try SurveyList.build(model, spec: s, scenarios: scenarios) }
        }
        let uncertainty = try spec.uncertainty.map { s in
            try Availability.attempt("resampling not done") { try PlanUncertainty.compute(model, spec: s, shares: shares, scenarios: scenarios) }
        }
        let sensitivity = try spec.sensitivity.map { s in
            try Availability.attempt("sensitivity not computed") {
                guard let scenarios else {
                    throw AnalysisError("planning.sensitivity needs the plans of scenarios:", fix: "add scenarios: with plans, or leave sensitivity: out")
                }
                return try PathSensitivity.compute(model, spec: s, scenarios: scenarios, costs: costs)
            }
        }
        let equity = scenarios.flatMap { s in access.map { StageEquity.compute(model, scenarios: s, access: $0) } } ?? []
        return PlanningAnalysis(roleSharing: roleSharing, meetings: meetings, survey: survey, uncertainty: uncertainty,
                                sensitivity: sensitivity, equity: equity)
    }

    /// What could not be computed, one English sentence each.
    public var unavailable: [String] {
        [roleSharing?.reason, meetings?.reason, survey?.reason, uncertainty?.reason, sensitivity?.reason].compactMap { $0 }
    }
}
