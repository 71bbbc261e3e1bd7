import CareAtlas
import CarePoints
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
/// | `equity.csv` | stage: Gini, Theil T and mean of access over the 65+ population |
/// | `lorenz.csv` | vertex of each stage's Lorenz curve |
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
        if !p.equity.isEmpty { out += [("equity.csv", equity(p.equity)), ("lorenz.csv", lorenz(p.equity))] }
        return out
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
