import CareGeometry

/// The partners to meet when a stage is taken on: institutions inside the stage's region that
/// already share the hospital's patients (at least `minShared`, as for a liaison meeting of the
/// clinics that cared for at least one PCU patient), grouped by ward and ranked by shared patients.
public struct LiaisonEntry: Sendable, Hashable {
    /// Rank by shared patients within the whole list (1 = most).
    public let rank: Int
    public let wardCode: String
    public let wardName: String
    public let id: String
    public let name: String
    public let kind: String
    public let sharedPatients: Int
    public let capacity: [String: Double]
    public let attributes: [String: String]
    /// Longitude/latitude for maps and route planning.
    public let lonLat: Coordinate
}

public enum LiaisonList {
    /// Entries grouped by ward (wards with more shared patients first, then by code), and within a
    /// ward by shared patients (more first), then name and id. The anchor is never listed.
    public static func build(_ model: StudyModel, region areaIDs: [String], level: AreaLevel, spec: LiaisonSpec) -> [LiaisonEntry] {
        let inside = Set(areaIDs)
        let wardLevel: AreaLevel = model.areas[.municipality] != nil ? .municipality : level
        var rows: [(inst: Institution, ward: String)] = []
        for (k, inst) in model.institutions.enumerated() where k != model.anchorIndex {
            guard let area = inst.areaIDs[level], inside.contains(area) else { continue }
            guard spec.kinds.isEmpty || spec.kinds.contains(inst.kind) else { continue }
            guard let shared = inst.sharedPatients, shared >= spec.minShared else { continue }
            rows.append((inst, inst.areaIDs[wardLevel] ?? ""))
        }
        let byRank = rows.sorted { ($1.inst.sharedPatients!, $0.inst.name, $0.inst.id) < ($0.inst.sharedPatients!, $1.inst.name, $1.inst.id) }
        var rank: [String: Int] = [:]
        for (i, r) in byRank.enumerated() { rank[r.inst.id] = i + 1 }
        var wardTotals: [String: Int] = [:]
        for r in rows { wardTotals[r.ward, default: 0] += r.inst.sharedPatients! }
        let ordered = rows.sorted { a, b in
            if a.ward != b.ward {
                return (wardTotals[b.ward]!, a.ward) < (wardTotals[a.ward]!, b.ward)
            }
            return rank[a.inst.id]! < rank[b.inst.id]!
        }
        return ordered.map { r in
            LiaisonEntry(rank: rank[r.inst.id]!, wardCode: r.ward, wardName: model.area(r.ward, at: wardLevel)?.name ?? "",
                         id: r.inst.id, name: r.inst.name, kind: r.inst.kind, sharedPatients: r.inst.sharedPatients!,
                         capacity: r.inst.capacity, attributes: r.inst.attributes, lonLat: r.inst.lonLat)
        }
    }
}
