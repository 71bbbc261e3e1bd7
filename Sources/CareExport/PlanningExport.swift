import CareAtlas
import CarePoints
import CareFormats
import CareGeometry
import CarePrivacy
import Foundation

/// The tables of the study's `planning:` section, as published (``PlanningDisclosure``):
///
/// | file | one row per |
/// |---|---|
/// | `role_sharing.csv` | area of the region: its district's hospital, demand, distance, today's plurality hospital |
/// | `role_sharing_districts.csv` | base hospital: capacity, areas, demand against its band, mean distance |
/// | `meetings.csv` | invitee: meeting, venue area, ward, name, kind, address, shared patients (band) |
/// | `survey.csv` | institution of the region: area, kind, name, roles, address, postal code |
/// | `uncertainty_areas.csv` | area: P(in each share catchment), P(in each budget stage's region) |
/// | `uncertainty_stages.csv` | stage of every plan: share and its 95 % resampling interval |
/// | `sensitivity.csv` | stage × changed setting: same region or not, areas added and dropped, gap areas |
/// | `equity.csv` | stage: Gini, Theil T and mean of access over the 65+ population |
/// | `lorenz.csv` | vertex of each stage's Lorenz curve |
///
/// and all of them as the sheets of one workbook, `planning.xlsx` (``workbook(_:)``).
public enum PlanningExport {
    public static func tables(_ r: StudyResults) -> [(String, Table)] {
        guard let p = r.planning else { return [] }
        let published = PlanningDisclosure(r)
        var out: [(String, Table)] = []
        if let rs = p.roleSharing?.value {
            out += [("role_sharing.csv", roleSharingAreas(rs, r)), ("role_sharing_districts.csv", roleSharingDistricts(rs, r))]
        }
        if let m = p.meetings?.value { out.append(("meetings.csv", meetings(m, published))) }
        if let s = p.survey?.value { out.append(("survey.csv", survey(s))) }
        if let u = p.uncertainty?.value {
            out += [("uncertainty_areas.csv", uncertaintyAreas(u, r, published)), ("uncertainty_stages.csv", uncertaintyStages(u, published))]
        }
        if let s = p.sensitivity?.value { out.append(("sensitivity.csv", sensitivity(s, r))) }
        if !p.equity.isEmpty { out += [("equity.csv", equity(p.equity)), ("lorenz.csv", lorenz(p.equity))] }
        return out
    }

    /// `planning.xlsx`: every table of ``tables(_:)`` as a sheet named by its file stem (meetings'
    /// invitation lists and the survey's mailing list first), codes, ids and postal codes as text
    /// (``XLSXWriter``); nil without a `planning:` section. `notice` (an unsuppressed run's
    /// warning) ends every sheet, as it ends every CSV.
    public static func workbook(_ r: StudyResults, notice: String? = nil) -> Data? {
        let all = tables(r)
        guard !all.isEmpty else { return nil }
        let first = ["meetings.csv", "survey.csv"]
        let ordered = all.filter { first.contains($0.0) }.sorted { first.firstIndex(of: $0.0)! < first.firstIndex(of: $1.0)! }
            + all.filter { !first.contains($0.0) }
        return XLSXWriter.workbook(ordered.map { name, t in
            XLSXWriter.Sheet(name: String(name.dropLast(4).prefix(31)), header: t.header,
                             rows: t.rows + (notice.map { [[$0] + Array(repeating: "", count: max(0, t.header.count - 1))] } ?? []),
                             textColumns: Set(t.header.filter { h in ["_code", "_codes", "_id", "id"].contains { h.hasSuffix($0) } }))
        })
    }

    static func roleSharingAreas(_ rs: RoleSharingResult, _ r: StudyResults) -> Table {
        let names = Dictionary(uniqueKeysWithValues: r.model.institutions.map { ($0.id, $0.name) })
        var t = Table(title: "Role sharing: areas", header: ["area_code", "area_name", "hospital_id", "hospital_name", rs.demandMeasure,
                                                             "distance_km", "today_plurality_hospital_id", "today_plurality_hospital_name", "changed"])
        for a in rs.areas {
            t.rows.append([a.areaID, a.areaName, a.hospitalID, names[a.hospitalID] ?? "", Format.count(a.demand),
                           Format.number(a.distanceKm, decimals: 3), a.todayHospitalID ?? "", a.todayHospitalID.flatMap { names[$0] } ?? "",
                           a.changed.map { $0 ? "yes" : "no" } ?? (rs.comparedWithFlows ? "no_flow" : "no_flow_table")])
        }
        return t
    }

    /// The `role_sharing` layer (GeoJSON and GeoPackage): one polygon per area of the region with
    /// the columns of `role_sharing.csv` and its district's figures (QGIS: categorise on
    /// `hospital_id`). No patient count: demand is the study's measure (65+ population by default).
    public static func roleSharingFeatures(_ rs: RoleSharingResult, _ r: StudyResults) -> [(Geometry?, JSONObject)] {
        let names = Dictionary(uniqueKeysWithValues: r.model.institutions.map { ($0.id, $0.name) })
        let districts = Dictionary(uniqueKeysWithValues: rs.districts.map { ($0.hospitalID, $0) })
        return rs.areas.map { a in
            var o: JSONObject = ["area_code": .string(a.areaID), "area_name": .string(a.areaName), "level": .string(rs.level.rawValue),
                                 "hospital_id": .string(a.hospitalID), "hospital_name": .string(names[a.hospitalID] ?? ""),
                                 "demand_measure": .string(rs.demandMeasure), "demand": Layers.number(a.demand, decimals: 1),
                                 "distance_km": Layers.number(a.distanceKm, decimals: 3)]
            o["today_plurality_hospital_id"] = a.todayHospitalID.map(JSONValue.string) ?? .null
            o["changed"] = a.changed.map(JSONValue.bool) ?? .null
            if let d = districts[a.hospitalID] {
                o["district_load_ratio"] = Layers.number(d.loadRatio, decimals: 3)
                o["district_areas"] = .number(Double(d.areaIDs.count))
            }
            return (r.model.area(a.areaID, at: rs.level)?.geometry, o)
        }
    }

    static func roleSharingDistricts(_ rs: RoleSharingResult, _ r: StudyResults) -> Table {
        var t = Table(title: "Role sharing: districts",
                      header: ["hospital_id", "hospital_name", rs.capacityMeasure, "home_area_code", "areas", "area_names", rs.demandMeasure,
                               "target", "band_lower", "band_upper", "load_ratio", "mean_distance_km"])
        let names = Dictionary(uniqueKeysWithValues: rs.areas.map { ($0.areaID, $0.areaName) })
        for d in rs.districts {
            t.rows.append([d.hospitalID, d.hospitalName, Format.count(d.capacity), d.homeAreaID, String(d.areaIDs.count),
                           d.areaIDs.map { names[$0] ?? $0 }.joined(separator: " "), Format.count(d.demand), Format.number(d.target, decimals: 1),
                           Format.number(d.lower, decimals: 1), Format.number(d.upper, decimals: 1), Format.number(d.loadRatio, decimals: 3),
                           Format.number(d.meanDistanceKm, decimals: 3)])
        }
        return t
    }

    static func meetings(_ m: MeetingGroups, _ published: PlanningDisclosure) -> Table {
        var t = Table(title: "Meeting groups", header: ["meeting", "venue_area_code", "venue_area_name", "invitees", "ward_code", "ward_name",
                                                        "institution_id", "name", "kind", "address", "shared_patients"])
        for meeting in m.meetings {
            for e in meeting.invitees {
                t.rows.append([String(meeting.number), meeting.venueAreaID, meeting.venueAreaName, String(meeting.invitees.count), e.wardCode,
                               e.wardName, e.id, e.name, e.kind, e.attributes["address"] ?? "", published.sharedBand(e.sharedPatients)])
            }
        }
        return t
    }

    static func survey(_ s: SurveyList) -> Table {
        var t = Table(title: "Survey list", header: ["area_code", "area_name", "kind", "name", "roles", "address", "postal_code", "institution_id", "source"])
        for e in s.entries {
            t.rows.append([e.areaID, e.areaName, e.kind, e.name, e.roles, e.address, e.postalCode, e.id, e.source])
        }
        return t
    }

    static func uncertaintyAreas(_ u: PlanUncertainty, _ r: StudyResults, _ published: PlanningDisclosure) -> Table {
        let shareColumns = u.catchments.shares.map { "p_catchment_\(Int(($0 * 100).rounded()))" }
        let stageColumns = u.budgetStages.map { "p_stage_\($0.plan)_\($0.stage)" }
        var t = Table(title: "Resampling: areas", header: ["area_code", "area_name", "patients"] + shareColumns + stageColumns)
        let labels = Dictionary(uniqueKeysWithValues: r.areas.map { ($0.id, ($0.name, $0.patientsLabel)) })
        for a in u.catchments.areas.sorted(by: { $0.areaID < $1.areaID }) {
            var row = [a.areaID, labels[a.areaID]?.0 ?? "", labels[a.areaID]?.1 ?? ""]
            row += a.membership.map { published.probability($0, areaID: a.areaID) }
            row += u.budgetStages.map { published.probability($0.probability[a.areaID] ?? 0, areaID: a.areaID) }
            t.rows.append(row)
        }
        return t
    }

    static func uncertaintyStages(_ u: PlanUncertainty, _ published: PlanningDisclosure) -> Table {
        var t = Table(title: "Resampling: stages", header: ["plan", "stage", "share_percent", "resampled_ci95_lower_percent", "resampled_ci95_upper_percent"])
        for s in u.stages {
            let shown = published.stageShown(plan: s.plan, stage: s.stage)
            t.rows.append([s.plan, s.stage, shown ? Format.percent(s.observedShare) : SmallCellPolicy.secondaryLabel,
                           shown ? Format.percent(s.lower) : "", shown ? Format.percent(s.upper) : ""])
        }
        return t
    }

    static func sensitivity(_ s: PathSensitivity, _ r: StudyResults) -> Table {
        var t = Table(title: "Sensitivity of the staged path",
                      header: ["plan", "stage_order", "stage", "factor", "setting", "study_setting", "same_region", "added_area_codes",
                               "added_area_names", "dropped_area_codes", "dropped_area_names", "gap_areas", "gap_area_names", "note"])
        func name(_ id: String) -> String { r.model.area(id, at: s.level)?.name ?? id }
        for (c, shown) in zip(s.cells, PlanningDisclosure.sensitivityShown(s, r)) {
            let v = s.variants[c.variant]
            let same = !shown ? SmallCellPolicy.secondaryLabel : c.areaIDs == nil ? "no_region" : c.sameRegion ? "yes" : "no"
            let diff = shown && c.areaIDs != nil
            t.rows.append([c.plan, String(c.stageOrder), c.stage, v.factor.rawValue, v.label, v.isStudySetting ? "yes" : "no", same,
                           diff ? c.added.joined(separator: " ") : "", diff ? c.added.map(name).joined(separator: " ") : "",
                           diff ? c.dropped.joined(separator: " ") : "", diff ? c.dropped.map(name).joined(separator: " ") : "",
                           c.gapAreaIDs.map { String($0.count) } ?? "", c.gapAreaIDs?.map(name).joined(separator: " ") ?? "",
                           shown ? c.note ?? "" : "withheld: would narrow a hidden count"])
        }
        return t
    }

    static func equity(_ e: [StageEquity]) -> Table {
        var t = Table(title: "Equity of access", header: ["plan", "stage", "areas_counted", "areas_left_out", "mean_access", "gini", "theil_t"])
        for s in e {
            let q = s.inequality
            t.rows.append([s.plan, s.stage, String(q.includedAreas), String(q.excludedAreas), AccessScores.formatScore(q.weightedMean),
                           Format.number(q.gini, decimals: 4), Format.number(q.theil, decimals: 4)])
        }
        return t
    }

    static func lorenz(_ e: [StageEquity]) -> Table {
        var t = Table(title: "Lorenz curves", header: ["plan", "stage", "vertex", "population_share", "access_share"])
        for s in e {
            for (k, v) in s.inequality.lorenz.enumerated() {
                t.rows.append([s.plan, s.stage, String(k), Format.number(v.populationShare, decimals: 6), Format.number(v.accessShare, decimals: 6)])
            }
        }
        return t
    }
}
