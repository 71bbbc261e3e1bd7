import CareAtlas
import CareFormats
import CarePrivacy
import Foundation

extension ScenarioAnalysis {
    /// The `--json` object of `careatlas scenarios`: the same figures as the text, suppressed alike
    /// (geodata/README.md).
    package func json(total: Int, disclosure: Disclosure, study: String, folder: OutputFolder) -> String {
        let analysis = self
        let policy = disclosure.policy
        let plans: [JSONValue] = zip(analysis.plans, disclosure.stageMasks(analysis)).map { plan, mask in
            .object(["name": .string(plan.name), "stages": .array(zip(plan.stages, mask).map { s, hidden in
                .object(["name": .string(s.name), "rule": .string(s.rule), "areas": .number(Double(s.areaIDs.count)),
                         "area_codes": .array(s.areaIDs.map(JSONValue.string)),
                         "patients": .string(policy.label(s.patients, secondary: hidden)), "share": hidden ? .null : jsonNumber(s.share),
                         "engaged_institutions": .number(Double(s.engagedInstitutions)),
                         "patients_per_institution": hidden ? .null : jsonNumber(s.patientsPerInstitution),
                         "mean_distance_km": jsonNumber(s.meanDistanceKm), "max_distance_km": jsonNumber(s.maxDistanceKm),
                         "connected": .bool(s.connected), "contains_anchor": .bool(s.containsAnchor),
                         "notes": .array(s.notes.map(JSONValue.string))])
            })])
        }
        var frontier: JSONValue = .null
        if let f = analysis.frontier {
            let (pointMask, pathMask) = disclosure.frontierMasks(analysis)
            frontier = .object([
                "measure": .string(f.measure.rawValue), "kinds": .array(f.kinds.map(JSONValue.string)), "objective": .string(f.objective.rawValue),
                "knee_budget": f.kneeBudget.map { .number(Double($0)) } ?? .null,
                "points": .array(zip(f.points, pointMask).map { p, hidden in
                    .object(["budget": .number(Double(p.budget)), "feasible": .bool(p.patients != nil),
                             "patients": p.patients.map { .string(policy.label($0, secondary: hidden)) } ?? .null,
                             "area_codes": .array(p.areaIDs.map(JSONValue.string)), "optimal": .bool(p.optimal), "gap": jsonNumber(p.gap)])
                }),
                "path": .array(zip(f.path, pathMask).enumerated().map { k, element -> JSONValue in
                    let (step, hidden) = element
                    let marginalHidden: Bool = hidden || (k > 0 && pathMask[k - 1])
                    return .object(["budget": .number(Double(step.budget)), "patients": .string(policy.label(step.patients, secondary: hidden)),
                             "area_codes": .array(step.areaIDs.map(JSONValue.string)),
                             "marginal_patients": marginalHidden ? .null : .string(policy.label(step.marginalPatients)),
                             "marginal_per_unit": marginalHidden ? .null : jsonNumber(step.marginalPerUnit)])
                }),
            ])
        }
        var members: JSONObject = [
            "level": .string(analysis.level.rawValue), "total_patients": .string(policy.label(total)),
            "plans": .array(plans), "frontier": frontier,
        ]
        // Only when the study asks for gap counts that cannot be made (the object is unchanged otherwise).
        if let reason = analysis.gapsUnavailable { members["gap_areas_unavailable"] = .string(reason) }
        return commandJSON("scenarios", study: study, policy: policy, folder: folder, members)
    }
}
