import CareGeometry
import Foundation

/// Partner institutions grouped into liaison meetings (地域連携の会): those with at least
/// `min_shared` shared patients inside a region, by ward or by geographic clustering, each meeting
/// with a suggested venue area and its invitees.
///
/// **By ward**: one meeting per ward (municipality), wards by code; a ward with more partners than
/// `max_size` is split by the clustering below into ⌈n / max_size⌉ meetings.
///
/// **By cluster**: capacitated k-medoids on the partners' positions (straight-line metres in the
/// study's metric CRS): k = max(`groups`, ⌈n / max_size⌉) medoids are seeded by farthest-point
/// traversal from the partner nearest the anchor (Gonzalez 1985), then every partner goes to its
/// nearest medoid with room (pairs taken in order of distance, so no meeting exceeds `max_size`),
/// and each medoid moves to the member with the least summed distance to the others (Park & Jun
/// 2009's alternation), until nothing changes (at most 100 rounds). Deterministic: ties go to the
/// smaller id.
///
/// The **venue area** is the ward of the meeting's medoid: the member nearest, in total, to the
/// others. Invitees carry their shared patients; outputs publish them in bands only.
public struct MeetingGroups: Sendable {
    public struct Meeting: Sendable, Hashable {
        /// 1-based.
        public let number: Int
        public let venueAreaID: String
        public let venueAreaName: String
        /// The member whose position is the medoid.
        public let venueInstitutionID: String
        /// Members by ward code, then name and id.
        public let invitees: [LiaisonEntry]
        /// The largest straight-line distance from a member to the medoid, km.
        public let radiusKm: Double
    }

    public let spec: MeetingSpec
    public let regionAreaIDs: [String]
    public let meetings: [Meeting]
    /// Notes for outputs (k raised to respect max_size, …).
    public let notes: [String]

    public static func build(_ model: StudyModel, spec: MeetingSpec, scenarios: ScenarioAnalysis?) throws -> MeetingGroups {
        let level: AreaLevel = model.areas[.municipality] != nil ? .municipality : (model.levels.last ?? .municipality)
        let region = try spec.region.areaIDs(model, scenarios: scenarios, level: level)
        let partners = LiaisonList.build(model, region: region, level: level, spec: LiaisonSpec(minShared: spec.minShared, kinds: spec.kinds))
        guard !partners.isEmpty else {
            return MeetingGroups(spec: spec, regionAreaIDs: region, meetings: [],
                                 notes: ["no partner with at least \(spec.minShared) shared patient(s) in \(spec.region)"])
        }
        let position = Dictionary(uniqueKeysWithValues: model.institutions.map { ($0.id, $0.position) })
        var notes: [String] = []
        var clusters: [[LiaisonEntry]] = []
        switch spec.by {
        case .ward:
            let byWard = Dictionary(grouping: partners, by: \.wardCode)
            for ward in byWard.keys.sorted() {
                let members = byWard[ward]!
                let k = (members.count + spec.maxSize - 1) / spec.maxSize
                if k > 1 { notes.append("ward \(ward): \(members.count) partners split into \(k) meetings of at most \(spec.maxSize)") }
                clusters += Self.cluster(members, k: k, maxSize: spec.maxSize, position: position, anchor: model.anchor?.position)
            }
        case .cluster:
            let needed = (partners.count + spec.maxSize - 1) / spec.maxSize
            let k = min(max(spec.groups, needed), partners.count)
            if k > spec.groups { notes.append("\(partners.count) partners need \(k) meetings of at most \(spec.maxSize) (groups: \(spec.groups) asked)") }
            if k < spec.groups { notes.append("only \(partners.count) partners: \(k) meetings") }
            clusters = Self.cluster(partners, k: k, maxSize: spec.maxSize, position: position, anchor: model.anchor?.position)
        }
        var meetings: [Meeting] = []
        for members in clusters where !members.isEmpty {
            let medoid = Self.medoid(members, position: position)
            let ward = medoid.wardCode
            let radius = members.map { Self.distance(position[$0.id]!, position[medoid.id]!) }.max() ?? 0
            meetings.append(Meeting(number: 0, venueAreaID: ward, venueAreaName: model.area(ward, at: level)?.name ?? ward,
                                    venueInstitutionID: medoid.id,
                                    invitees: members.sorted { ($0.wardCode, $0.name, $0.id) < ($1.wardCode, $1.name, $1.id) },
                                    radiusKm: radius / 1000))
        }
        // Meetings by venue ward, then first invitee: numbered in that order.
        meetings.sort { ($0.venueAreaID, $0.invitees[0].name, $0.invitees[0].id) < ($1.venueAreaID, $1.invitees[0].name, $1.invitees[0].id) }
        meetings = meetings.enumerated().map { k, m in
            Meeting(number: k + 1, venueAreaID: m.venueAreaID, venueAreaName: m.venueAreaName, venueInstitutionID: m.venueInstitutionID,
                    invitees: m.invitees, radiusKm: m.radiusKm)
        }
        return MeetingGroups(spec: spec, regionAreaIDs: region, meetings: meetings, notes: notes)
    }

    static func distance(_ a: Coordinate, _ b: Coordinate) -> Double { hypot(a.x - b.x, a.y - b.y) }

    /// The member with the least summed distance to the others (ties: smaller id).
    static func medoid(_ members: [LiaisonEntry], position: [String: Coordinate]) -> LiaisonEntry {
        members.min { a, b in
            let da = members.reduce(0) { $0 + distance(position[a.id]!, position[$1.id]!) }
            let db = members.reduce(0) { $0 + distance(position[b.id]!, position[$1.id]!) }
            return (da, a.id) < (db, b.id)
        }!
    }

    /// Capacitated k-medoids (see the type's documentation); returns k lists (some possibly empty).
    static func cluster(_ items: [LiaisonEntry], k: Int, maxSize: Int, position: [String: Coordinate], anchor: Coordinate?) -> [[LiaisonEntry]] {
        let items = items.sorted { $0.id < $1.id }
        guard k > 1 else { return [items] }
        let p = items.map { position[$0.id]! }
        let n = items.count
        // Farthest-point seeding from the partner nearest the anchor (or the first by id).
        let start = anchor.map { a in (0..<n).min { (distance(p[$0], a), $0) < (distance(p[$1], a), $1) }! } ?? 0
        var medoids = [start]
        while medoids.count < k {
            let next = (0..<n).filter { !medoids.contains($0) }
                .max { a, b in
                    let da = medoids.map { distance(p[a], p[$0]) }.min()!, db = medoids.map { distance(p[b], p[$0]) }.min()!
                    return (da, -a) < (db, -b)
                }!
            medoids.append(next)
        }
        var assignment = [Int](repeating: -1, count: n)
        for _ in 0..<100 {
            // Capacitated assignment: (item, medoid) pairs by distance, each item once, each medoid ≤ maxSize.
            var pairs: [(d: Double, i: Int, m: Int)] = []
            for i in 0..<n { for (m, c) in medoids.enumerated() { pairs.append((distance(p[i], p[c]), i, m)) } }
            pairs.sort { ($0.d, $0.i, $0.m) < ($1.d, $1.i, $1.m) }
            var next = [Int](repeating: -1, count: n), size = [Int](repeating: 0, count: k)
            for (_, i, m) in pairs where next[i] < 0 && size[m] < maxSize {
                next[i] = m
                size[m] += 1
            }
            let moved = (0..<k).map { m -> Int in
                let members = (0..<n).filter { next[$0] == m }
                guard !members.isEmpty else { return medoids[m] }
                return members.min { a, b in
                    let da = members.reduce(0) { $0 + distance(p[a], p[$1]) }, db = members.reduce(0) { $0 + distance(p[b], p[$1]) }
                    return (da, a) < (db, b)
                }!
            }
            let stable = next == assignment && moved == medoids
            assignment = next
            medoids = moved
            if stable { break }
        }
        return (0..<k).map { m in (0..<n).filter { assignment[$0] == m }.map { items[$0] } }
    }
}
