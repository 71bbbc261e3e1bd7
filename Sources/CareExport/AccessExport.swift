import CareAtlas
import CarePrivacy
import CareFormats
import CareGeometry
import CarePoints
import Foundation

/// Writes study-mode accessibility (`access_scores.csv`, `access_areas.geojson`) and access gaps
/// (`gaps.csv`, `gaps.geojson`). Scores are not patient counts and are not suppressed.
public enum AccessExport {
    public static func write(model: StudyModel, access: StudyAccess, policy: SmallCellPolicy, excel: Bool = false, to folder: inout OutputFolder) throws {
        var table = Table(title: "Accessibility", header: ["area_code", "area_name", "demand_\(access.demandMeasure)", "score"])
        for (i, id) in access.areaIDs.enumerated() {
            table.rows.append([id, model.area(id, at: access.level)?.name ?? "", Format.count(access.demand[i]),
                               AccessScores.formatScore(access.scores.scores[i])])
        }
        try folder.write("access_scores.csv", table.csv(excel: excel))
        let features: [(Geometry?, JSONObject)] = access.areaIDs.enumerated().compactMap { i, id in
            guard let a = model.area(id, at: access.level) else { return nil }
            var o = Layers.areaProperties(a)
            o["access_score"] = access.scores.scores[i].isFinite ? .number(access.scores.scores[i]) : .null
            return (a.geometry, o)
        }
        try folder.write("access_areas.geojson", Layers.geojson("access_areas", crs: model.crs, features))
    }

    /// With `need: patients` the need column is a patient count: hidden where the run's disclosure
    /// hides the area (small counts and secondary suppressions alike).
    public static func write(model: StudyModel, gaps: AccessGaps, disclosure: Disclosure, excel: Bool = false, to folder: inout OutputFolder) throws {
        let policy = disclosure.policy
        func label(_ areaID: String, _ n: Int) -> String { disclosure.level == gaps.level ? disclosure.label(areaID, n) : policy.label(n) }
        let kinds = Set(gaps.gaps.flatMap(\.nearestKm.keys)).sorted()
        var table = Table(title: "Access gaps", header: ["severity_rank", "area_code", "area_name", "need_\(gaps.need.rawValue)", "access_score",
                                                        "access_percentile"] + kinds.map { "nearest_\($0)_km" } + ["reasons"])
        for (k, g) in gaps.gaps.enumerated() {
            let need = gaps.need == .patients ? label(g.areaID, Int(g.need)) : Format.count(g.need)
            table.rows.append([String(k + 1), g.areaID, g.name, need, g.access.map(AccessScores.formatScore) ?? "nan",
                               Format.percent(g.accessPercentile, decimals: 1)]
                + kinds.map { Format.number(g.nearestKm[$0], decimals: 3) } + [g.reasons.joined(separator: "; ")])
        }
        try folder.write("gaps.csv", table.csv(excel: excel))
        try folder.write("gaps.geojson", Layers.geojson("gaps", crs: model.crs, gapFeatures(model, gaps, policy: policy)))
    }

    /// Gap areas, most severe first: severity rank, reasons, their count, the access score.
    public static func gapFeatures(_ model: StudyModel, _ gaps: AccessGaps, policy: SmallCellPolicy) -> [(Geometry?, JSONObject)] {
        gaps.gaps.enumerated().compactMap { k, g in
            guard let a = model.area(g.areaID, at: gaps.level) else { return nil }
            var o = Layers.areaProperties(a)
            o["severity_rank"] = .number(Double(k + 1))
            o["reasons"] = .string(g.reasons.joined(separator: "; "))
            o["reason_count"] = .number(Double(g.reasons.count))
            o["gap_class"] = .string(GapClass(g.rules).rawValue)
            o["access_score"] = g.access.map(JSONValue.number) ?? .null
            if !policy.isSuppressing { o["notice"] = .string(SmallCellPolicy.internalNotice) }
            return (a.geometry, o)
        }
    }
}
