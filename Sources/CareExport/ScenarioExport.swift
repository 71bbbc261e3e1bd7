import CareAtlas
import CarePrivacy
import CareFormats
import CareGeometry
import Foundation

/// Writes the scenario analysis: `scenario_stages.csv`, `scenario_comparison.csv`,
/// `scenario_frontier.csv`, `scenario_path.csv`, `liaison.csv` and `stage_regions.geojson`.
public enum ScenarioExport {
    /// Stage regions of every plan with their figures (small counts and what reveals them hidden).
    public static func stageFeatures(_ a: ScenarioAnalysis, disclosure: Disclosure) -> [(Geometry?, JSONObject)] {
        let policy = disclosure.policy
        let notice = policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        var features: [(Geometry?, JSONObject)] = []
        for (plan, mask) in zip(a.plans, disclosure.stageMasks(a)) {
            for (k, (s, hidden)) in zip(plan.stages, mask).enumerated() {
                var o: JSONObject = ["plan": .string(plan.name), "stage_order": .number(Double(k + 1)), "stage": .string(s.name),
                                     "rule": .string(s.rule), "areas": .number(Double(s.areaIDs.count)),
                                     "share_percent": hidden ? .null : Layers.number(s.share * 100, decimals: 4),
                                     "engaged_institutions": .number(Double(s.engagedInstitutions)),
                                     "area_km2": Layers.number(s.areaKm2, decimals: 4)]
                Layers.count(s.patients, hidden: hidden, key: "patients", policy: policy, into: &o)
                if let notice { o["notice"] = .string(notice) }
                features.append((s.geometry, o))
            }
        }
        return features
    }

    public static func write(model: StudyModel, analysis a: ScenarioAnalysis, disclosure: Disclosure, excel: Bool, to folder: inout OutputFolder) throws {
        let policy = disclosure.policy
        let notice = policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        for (name, table) in tables(model: model, analysis: a, disclosure: disclosure) {
            var t = table
            if let notice { t.rows.append([notice] + Array(repeating: "", count: t.header.count - 1)) }
            try folder.write(name, t.csv(excel: excel))
        }
        try folder.write("stage_regions.geojson",
                         Layers.geojson("stage_regions", crs: model.crs, stageFeatures(a, disclosure: disclosure)))
    }

    /// The scenario tables by file name, in order: `scenario_stages.csv`, `scenario_comparison.csv`,
    /// `scenario_frontier.csv` and `scenario_path.csv` (with a frontier), `liaison.csv`.
    public static func tables(model: StudyModel, analysis a: ScenarioAnalysis, disclosure: Disclosure) -> [(String, Table)] {
        let policy = disclosure.policy
        let total = model.totalPatients
        var out: [(String, Table)] = []
        func file(_ name: String, _ t: Table) { out.append((name, t)) }
        let kinds = Set(model.institutions.map(\.kind)).sorted()
        let masks = disclosure.stageMasks(a)
        var stages = Table(
            title: "Stages",
            header: ["plan", "stage_order", "stage", "rule", "areas", "patients", "share_percent", "share_ci95_lower_percent",
                     "share_ci95_upper_percent", "marginal_patients", "population", "aged65", "area_km2"]
                + kinds.map { "institutions_\($0)" }
                + ["engaged_institutions", "patients_per_institution", "gap_areas", "mean_distance_km", "max_distance_km",
                   "connected", "contains_anchor", "optimal", "optimality_gap_percent", "notes", "area_codes"])
        var comparison = Table(title: "Plans compared",
                               header: ["plan", "stages", "final_stage", "areas", "patients", "share_percent", "engaged_institutions",
                                        "patients_per_institution", "area_km2", "max_distance_km"])
        for (plan, mask) in zip(a.plans, masks) {
            for (k, (s, hidden)) in zip(plan.stages, mask).enumerated() {
                let previousHidden = k > 0 && mask[k - 1]
                func unlessHidden(_ text: String) -> String { hidden ? "" : text }
                var row: [String] = [plan.name, String(k + 1), s.name, s.rule, String(s.areaIDs.count)]
                row.append(policy.label(s.patients, secondary: hidden))
                row.append(unlessHidden(Format.percent(s.share)))
                row.append(unlessHidden(Format.percent(s.shareLower)))
                row.append(unlessHidden(Format.percent(s.shareUpper)))
                row.append(hidden || previousHidden ? "" : String(s.marginalPatients))
                row += [Format.count(s.population), Format.count(s.aged65), Format.number(s.areaKm2, decimals: 3)]
                row += kinds.map { String(s.institutionsByKind[$0] ?? 0) }
                row.append(String(s.engagedInstitutions))
                row.append(unlessHidden(Format.number(s.patientsPerInstitution, decimals: 2)))
                row.append(s.gapAreas.map(String.init) ?? "")
                row += [Format.number(s.meanDistanceKm, decimals: 3), Format.number(s.maxDistanceKm, decimals: 3)]
                row += [s.connected ? "yes" : "no", s.containsAnchor ? "yes" : "no"]
                row.append(s.optimization.map { $0.optimal ? "yes" : "no" } ?? "")
                row.append(s.optimization.map { Format.percent($0.gap, decimals: 3) } ?? "")
                row += [s.notes.joined(separator: "; "), s.areaIDs.joined(separator: " ")]
                stages.rows.append(row)
            }
            if let last = plan.stages.last, let hidden = mask.last {
                comparison.rows.append([plan.name, String(plan.stages.count), last.name, String(last.areaIDs.count),
                                        policy.label(last.patients, secondary: hidden), hidden ? "" : Format.percent(last.share),
                                        String(last.engagedInstitutions), hidden ? "" : Format.number(last.patientsPerInstitution, decimals: 2),
                                        Format.number(last.areaKm2, decimals: 3), Format.number(last.maxDistanceKm, decimals: 3)])
            }
        }
        file("scenario_stages.csv", stages)
        file("scenario_comparison.csv", comparison)

        if let f = a.frontier {
            let (pointMask, pathMask) = disclosure.frontierMasks(a)
            var frontier = Table(title: "Frontier", header: ["budget_\(f.measure.rawValue)", "feasible", "patients", "share_percent", "optimal",
                                                             "optimality_gap_percent", "knee", "areas", "area_codes"])
            for (p, hidden) in zip(f.points, pointMask) {
                frontier.rows.append([String(p.budget), p.patients == nil ? "no" : "yes", p.patients.map { policy.label($0, secondary: hidden) } ?? "",
                                      hidden || p.patients == nil ? "" : Format.percent(Double(p.patients!) / Double(max(1, total))),
                                      p.optimal ? "yes" : "no", Format.percent(p.gap, decimals: 3), p.budget == f.kneeBudget ? "yes" : "",
                                      String(p.areaIDs.count), p.areaIDs.joined(separator: " ")])
            }
            file("scenario_frontier.csv", frontier)
            var path = Table(title: "Recommended path", header: ["step", "budget_\(f.measure.rawValue)", "patients", "marginal_patients",
                                                                 "marginal_patients_per_unit", "areas", "area_codes"])
            for (k, (s, hidden)) in zip(f.path, pathMask).enumerated() {
                let previousHidden = k > 0 && pathMask[k - 1]
                path.rows.append([String(k + 1), String(s.budget), policy.label(s.patients, secondary: hidden),
                                  hidden || previousHidden ? "" : String(s.marginalPatients),
                                  hidden || previousHidden ? "" : Format.number(s.marginalPerUnit, decimals: 3), String(s.areaIDs.count),
                                  s.areaIDs.joined(separator: " ")])
            }
            file("scenario_path.csv", path)
        }

        let capacityKeys = Set(model.institutions.flatMap(\.capacity.keys)).sorted()
        let attributeKeys = Set(model.institutions.flatMap(\.attributes.keys)).sorted()
        var liaison = Table(title: "Liaison lists",
                            header: ["plan", "stage", "ward_code", "ward_name", "rank", "institution_id", "name", "kind", "shared_patients"]
                                + capacityKeys + attributeKeys + ["lon", "lat"])
        for plan in a.plans {
            for s in plan.stages {
                for (e, rank) in policy.publishedLiaison(LiaisonList.build(model, region: s.areaIDs, level: a.level, spec: a.liaison)) {
                    liaison.rows.append([plan.name, s.name, e.wardCode, e.wardName, rank, e.id, e.name, e.kind,
                                         policy.label(e.sharedPatients)]
                        + capacityKeys.map { Format.number(e.capacity[$0], decimals: 1) } + attributeKeys.map { e.attributes[$0] ?? "" }
                        + [Format.number(e.lonLat.x, decimals: 6), Format.number(e.lonLat.y, decimals: 6)])
                }
            }
        }
        file("liaison.csv", liaison)
        return out
    }
}
