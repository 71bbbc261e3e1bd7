import CareAtlas
import CarePrivacy
import CareFormats
import CareGeometry
import CarePoints
import Foundation

/// The report's tables: one row per area, per stage and per institution, sorted, units in the
/// headers (`_km`, `_km2`, `_percent`, `_per_10k_aged65`), small counts suppressed.
public enum ReportTables {
    /// One row per area of the results' level, most patients first (then nearer the anchor, then
    /// code, as the ranking), then the outside bucket and the total.
    public static func areas(_ r: StudyResults) -> Table {
        let kinds = Set(r.areas.flatMap(\.nearestKm.keys)).sorted()
        let plans = r.scenarios?.plans.map(\.name) ?? []
        var t = Table(
            title: "Areas (\(r.level.rawValue))",
            header: ["rank", "area_code", "area_name", "group", "patients", "share_percent", "population", "aged65", "population_status",
                     "penetration_per_10k_aged65", "ci95_lower_per_10k", "ci95_upper_per_10k", "access_score", "access_status", "gap_class"]
                + kinds.map { "nearest_\($0)_km" } + plans.map { "first_stage_\($0)" } + ["area_km2"]
                + (r.costs == nil ? [] : ["minutes_to_anchor"] + kinds.map { "nearest_\($0)_min" }))
        let byID = Dictionary(uniqueKeysWithValues: r.areas.map { ($0.id, $0) })
        for (ranked, _) in r.disclosure.publishedRanking(r.shares.ranking) {
            guard let a = byID[ranked.areaID] else { continue }
            var row = [a.rank.map(String.init) ?? "", a.id, a.name, ranked.group ?? "", a.patientsLabel,
                       Format.number(a.sharePercent, decimals: 2), Format.count(a.population), Format.count(a.aged65),
                       // Empty population means no data, said in words (never 0).
                       a.population == nil || a.aged65 == nil ? "no_data" : "ok",
                       Format.number(a.penetration, decimals: 2), Format.number(a.penetrationLower, decimals: 2),
                       Format.number(a.penetrationUpper, decimals: 2), a.accessScore.map(AccessScores.formatScore) ?? "",
                       r.access.flatMap { $0.status(a.id)?.rawValue } ?? "", a.gapClass?.rawValue ?? ""]
            row += kinds.map { Format.number(a.nearestKm[$0], decimals: 3) }
            row += plans.map { plan in a.firstStage.first { $0.plan == plan }.map { "\($0.order) \($0.stage)" } ?? "" }
            row.append(Format.number(a.areaKm2, decimals: 3))
            if let c = r.costs { row += ReportLayers.travelTimeCells(r, c, areaID: a.id, kinds: kinds) }
            t.rows.append(row)
        }
        let blank = Array(repeating: "", count: t.header.count)
        var outside = blank
        outside[2] = "（対象地域外・不明）outside the study areas"
        outside[4] = r.outsidePatientsLabel
        var total = blank
        total[2] = "合計 total"
        total[4] = r.policy.label(r.model.totalPatients)
        total[5] = "100.00"
        t.rows += [outside, total]
        return t
    }

    /// One row per institution: the anchor first, then partners (sharing patients) by shown shared
    /// patients (suppressed ones by id, so the order reveals nothing), then the others by kind and id.
    public static func institutions(_ r: StudyResults) -> Table {
        let model = r.model
        let capacity = Set(model.institutions.flatMap(\.capacity.keys)).sorted()
        var t = Table(title: "Institutions",
                      header: ["role", "institution_id", "name", "kind", "area_code", "area_name", "shared_patients"]
                          + capacity + ["lon", "lat"])
        struct Line { let role: Int; let shown: Int; let inst: Institution }
        let lines = model.institutions.enumerated().map { k, inst -> Line in
            let shared = inst.sharedPatients ?? 0
            let role = k == model.anchorIndex ? 0 : shared > 0 ? 1 : 2
            return Line(role: role, shown: r.policy.isSmall(shared) ? 0 : shared, inst: inst)
        }.sorted { a, b in
            if a.role != b.role { return a.role < b.role }
            if a.shown != b.shown { return a.shown > b.shown }
            if a.inst.kind != b.inst.kind { return a.inst.kind < b.inst.kind }
            return a.inst.id < b.inst.id
        }
        for l in lines {
            let areaID = l.inst.areaIDs[r.level]
            t.rows.append([["anchor", "partner", "other"][l.role], l.inst.id, l.inst.name, l.inst.kind, areaID ?? "",
                           areaID.flatMap { model.area($0, at: r.level)?.name } ?? "",
                           l.inst.sharedPatients.map { r.policy.label($0) } ?? ""]
                + capacity.map { Format.number(l.inst.capacity[$0], decimals: 1) }
                + [Format.number(l.inst.lonLat.x, decimals: 6), Format.number(l.inst.lonLat.y, decimals: 6)])
        }
        return t
    }

    /// Catchments reaching 50 / 75 / 90 % of all patients.
    public static func catchments(_ r: StudyResults) -> Table {
        var t = Table(title: "Patient-share catchments",
                      header: ["target_share_percent", "method", "reached", "areas", "patients", "share_percent", "population", "aged65", "area_km2",
                               "area_codes"])
        for ((c, hidden), withheld) in zip(zip(r.shares.catchments, r.disclosure.catchmentMask(r.shares)), r.disclosure.catchmentWithheld(r.shares)) {
            // A withheld catchment names no areas (its member list would narrow a hidden cell).
            t.rows.append([Format.percent(c.targetShare, decimals: 0), c.contiguous ? "contiguous" : "unconstrained", c.reached ? "yes" : "no",
                           withheld ? "" : String(c.areaIDs.count), r.policy.label(c.patients, secondary: hidden), hidden ? "" : Format.percent(c.share),
                           withheld ? "" : Format.count(c.population), withheld ? "" : Format.count(c.aged65),
                           withheld ? "" : Format.number(c.areaKm2, decimals: 3), withheld ? "" : c.areaIDs.sorted().joined(separator: " ")])
        }
        return t
    }

    /// Access gaps, most severe first.
    public static func gaps(_ r: StudyResults) -> Table? {
        guard let gaps = r.gaps else { return nil }
        var t = Table(title: "Access gaps", header: ["severity_rank", "area_code", "area_name", "gap_class", "need_\(gaps.need.rawValue)",
                                                     "access_score", "reasons"])
        for (k, g) in gaps.gaps.enumerated() {
            t.rows.append([String(k + 1), g.areaID, g.name, GapClass(g.rules).rawValue, Format.count(g.need),
                           g.access.map(AccessScores.formatScore) ?? "", g.reasons.joined(separator: "; ")])
        }
        // Areas the rules cannot judge: their own class after the gaps, never "no gap".
        for d in gaps.noData {
            t.rows.append(["", d.areaID, d.name, GapClass.noData.rawValue, "", "", d.reasons.joined(separator: "; ")])
        }
        return t
    }
}

/// The report's GeoJSON layers (and GeoPackage layers): areas with every figure, catchments, stage
/// regions, institutions and access gaps. Property names are documented in `reports/README.md`.
public enum ReportLayers {
    /// A named layer of features in the study CRS.
    public struct Layer: Sendable {
        public let name: String
        public let features: [(Geometry?, JSONObject)]
    }

    public static func all(_ r: StudyResults) throws -> [Layer] {
        var layers = [Layer(name: "areas", features: areaFeatures(r)),
                      Layer(name: "catchments", features: CatchmentExport.catchmentFeatures(r.shares, disclosure: r.disclosure))]
        if let s = r.scenarios {
            layers.append(Layer(name: "stage_regions", features: ScenarioExport.stageFeatures(s, disclosure: r.disclosure)))
        }
        layers.append(Layer(name: "institutions", features: try CatchmentExport.institutionFeatures(r.model, policy: r.policy)))
        if let g = r.gaps { layers.append(Layer(name: "access_gaps", features: AccessExport.gapFeatures(r.model, g, policy: r.policy))) }
        if let d = r.driveTimes { layers.append(Layer(name: "drive_time_areas", features: DriveTimeExport.features(d))) }
        if let rs = r.planning?.roleSharing?.value { layers.append(Layer(name: "role_sharing", features: PlanningExport.roleSharingFeatures(rs, r))) }
        return layers
    }

    /// Every area with every figure: codes and names, population, patients (`patients` null when
    /// hidden, `patients_label` always), share, penetration with its interval, access score, gap
    /// class and reasons, nearest distances, catchment and stage membership.
    /// Minutes to the anchor and to the nearest institution of each kind: the time, `no route`
    /// (the area has travel times but none to it), or `no data` (the area has no travel times:
    /// off the network, or not in the imported table).
    static func travelTimeCells(_ r: StudyResults, _ c: StudyCosts, areaID: String, kinds: [String]) -> [String] {
        guard let i = r.model.areaIndex(areaID, at: r.level) else { return [] }
        if c.areasWithoutData[r.level]?.contains(areaID) ?? false { return Array(repeating: "no data", count: kinds.count + 1) }
        let nearest = r.nearest.first { $0.areaID == areaID }
        func cell(_ t: Double?) -> String { t.map { Format.number($0, decimals: 1) } ?? "no route" }
        return [cell(r.model.anchorIndex.flatMap { c.minutes(level: r.level, area: i, institution: $0) })]
            + kinds.map { cell(nearest?.minutes[$0]) }
    }

    static func areaFeatures(_ r: StudyResults) -> [(Geometry?, JSONObject)] {
        let notice = r.policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        return r.areas.map { m in
            var o = r.model.area(m.id, at: r.level).map(Layers.areaProperties) ?? [:]
            o["area_name_en"] = m.nameEnglish.map(JSONValue.string) ?? .null
            o["patients"] = m.patients.map { .number(Double($0)) } ?? .null
            o["patients_label"] = .string(m.patientsLabel)
            o["rank"] = m.rank.map { .number(Double($0)) } ?? .null
            o["share_percent"] = Layers.number(m.sharePercent, decimals: 4)
            o["penetration_per_10k_aged65"] = Layers.number(m.penetration, decimals: 4)
            o["ci95_lower_per_10k"] = Layers.number(m.penetrationLower, decimals: 4)
            o["ci95_upper_per_10k"] = Layers.number(m.penetrationUpper, decimals: 4)
            o["access_score"] = Layers.number(m.accessScore, decimals: 9)
            o["gap_class"] = m.gapClass.map { .string($0.rawValue) } ?? .null
            o["gap_reasons"] = .string(m.gapReasons.joined(separator: "; "))
            for (kind, km) in m.nearestKm.sorted(by: { $0.key < $1.key }) { o["nearest_\(kind)_km"] = Layers.number(km, decimals: 4) }
            if let c = r.costs {
                // Numbers where there is a time; null with the reason ("no route", "no data") in *_status.
                let kinds = m.nearestKm.keys.sorted()
                let cells = travelTimeCells(r, c, areaID: m.id, kinds: kinds)
                for (key, cell) in zip(["minutes_to_anchor"] + kinds.map { "nearest_\($0)_min" }, cells) {
                    o[key] = Double(cell).map(JSONValue.number) ?? .null
                    if Double(cell) == nil { o[key + "_status"] = .string(cell) }
                }
            }
            for (c, withheld) in zip(r.shares.catchments, r.disclosure.catchmentWithheld(r.shares)) where c.contiguous {
                o["in_catchment_\(Int((c.targetShare * 100).rounded()))"] = withheld ? .null : .bool(m.contiguousCatchments.contains(c.targetShare))
            }
            for (k, plan) in (r.scenarios?.plans ?? []).enumerated() {
                let first = m.firstStage.first { $0.plan == plan.name }
                o["plan\(k + 1)_first_stage_order"] = first.map { .number(Double($0.order)) } ?? .null
                o["plan\(k + 1)_first_stage"] = first.map { .string($0.stage) } ?? .null
            }
            if let notice { o["notice"] = .string(notice) }
            return (m.geometry, o)
        }
    }
}
