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
        var rows: [(inst: Institution, ward: String, shared: Int)] = []
        for (k, inst) in model.institutions.enumerated() where k != model.anchorIndex {
            guard let area = inst.areaIDs[level], inside.contains(area) else { continue }
            guard spec.kinds.isEmpty || spec.kinds.contains(inst.kind) else { continue }
            guard let shared = inst.sharedPatients, shared >= spec.minShared else { continue }
            rows.append((inst, inst.areaIDs[wardLevel] ?? "", shared))
        }
        let byRank = rows.sorted { ($1.shared, $0.inst.name, $0.inst.id) < ($0.shared, $1.inst.name, $1.inst.id) }
            .enumerated().map { (rank: $0.offset + 1, row: $0.element) }
        var wardTotals: [String: Int] = [:]
        for r in rows { wardTotals[r.ward, default: 0] += r.shared }
        let ordered = byRank.sorted { a, b in
            if a.row.ward != b.row.ward {
                // Every row's ward has a total (summed just above).
                return (wardTotals[b.row.ward, default: 0], a.row.ward) < (wardTotals[a.row.ward, default: 0], b.row.ward)
            }
            return a.rank < b.rank
        }
        return ordered.map { rank, r in
            LiaisonEntry(rank: rank, wardCode: r.ward, wardName: model.area(r.ward, at: wardLevel)?.name ?? "",
                         id: r.inst.id, name: r.inst.name, kind: r.inst.kind, sharedPatients: r.shared,
                         capacity: r.inst.capacity, attributes: r.inst.attributes, lonLat: r.inst.lonLat)
        }
    }
}
