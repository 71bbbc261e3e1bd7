import CareGeometry
import Foundation

/// The hospital's "commitment" view: where its patients come from, and which areas make up given
/// shares of them (the patient-origin catchment of hospital market-area studies: areas ranked by
/// patients until a share is reached, cf. Garnick et al. 1987, "Appropriate measures of hospital
/// market areas", Health Services Research 22(1):69–89).
public struct PatientShareAnalysis: Sendable {
    /// One area of the ranking.
    public struct RankedArea: Sendable, Hashable {
        public let rank: Int
        public let areaID: String
        public let name: String
        public let patients: Int
        /// patients / all patients of the study (outside bucket included), 0…1.
        public let share: Double
        /// Σ shares of this area and every area ranked before it.
        public let cumulativeShare: Double
        /// Distance from the anchor to the area's population-weighted centroid, km.
        public let distanceKm: Double
        public let penetration: Penetration?
        public let group: String?
    }

    /// A catchment reaching a target share.
    public struct Catchment: Sendable, Hashable {
        public let targetShare: Double
        /// Grown over the adjacency graph from the anchor's area (connected), or taken in rank order.
        public let contiguous: Bool
        /// Member areas in the order they were added.
        public let areaIDs: [String]
        public let patients: Int
        public let share: Double
        /// False when every area with patients was taken and the share is still below the target
        /// (patients outside the study areas cannot be reached).
        public let reached: Bool
        public let population: Double?
        public let aged65: Double?
        public let areaKm2: Double
        /// Institutions inside by kind.
        public let institutionsByKind: [String: Int]
        /// Coverage union of the member areas, in the study CRS.
        public let geometry: Geometry
    }

    /// A group (二次医療圏) line.
    public struct GroupLine: Sendable, Hashable {
        public let grouping: String
        public let name: String
        public let patients: Int
        public let share: Double
        public let penetration: Penetration?
    }

    public let level: AreaLevel
    public let totalPatients: Int
    public let outsidePatients: Int
    public let ranking: [RankedArea]
    public let catchments: [Catchment]
    public let groups: [GroupLine]
}

public enum PatientShareCatchments {
    /// The default target shares: 50, 75 and 90 %.
    public static let defaultShares = [0.5, 0.75, 0.9]

    /// Ranks the areas of `level` by patients (ties: nearer the anchor first, then id) and builds
    /// the catchments reaching each share, both unconstrained (rank order) and contiguous (grown
    /// from the anchor's area over rook adjacency, each step adding the neighbouring area with the
    /// most patients, ties as in the ranking — a greedy region growth; the exact optimum of a
    /// connected region is the scenario analysis's job).
    ///
    /// Shares are of **all** the study's patients, the outside-the-study-areas bucket included, so
    /// a share the areas cannot reach is reported as not reached.
    ///
    /// - Throws: ``AnalysisError`` when the level is absent, has no patient counts, or there is no
    ///   anchor in an area of the level (needed for distances and contiguity).
    public static func analyse(
        _ model: StudyModel, level: AreaLevel = .municipality, shares: [Double] = defaultShares
    ) throws -> PatientShareAnalysis {
        guard let areas = model.areas[level], let adjacency = model.adjacency[level] else {
            throw AnalysisError("the study has no \(level.rawValue) areas", fix: "choose a level the study has: \(model.levels.map(\.rawValue).joined(separator: ", "))")
        }
        guard areas.contains(where: { $0.patients != nil }) else {
            throw AnalysisError("the patient table has no rows at or below the \(level.rawValue) level", fix: "use the level the patient codes are given at")
        }
        for s in shares where !(s > 0 && s <= 1) {
            throw AnalysisError("target share \(s) is outside (0, 1]", fix: "give shares such as 0.5, 0.75, 0.9")
        }
        guard let anchor = model.anchor, let anchorAreaID = anchor.areaIDs[level],
            let anchorIndex = model.areaIndex(anchorAreaID, at: level)
        else {
            throw AnalysisError("the anchor hospital is not in a \(level.rawValue) area", fix: "set anchor: to an institution inside the study areas")
        }
        let total = model.totalPatients
        let shareOf = { (n: Int) in total > 0 ? Double(n) / Double(total) : 0 }
        let distances = areas.map { hypot($0.weightedCentroid.x - anchor.position.x, $0.weightedCentroid.y - anchor.position.y) / 1000 }
        let patients = areas.map { $0.patients ?? 0 }
        // Rank: more patients first, then nearer, then id.
        let order = areas.indices.sorted { (-patients[$0], distances[$0], areas[$0].id) < (-patients[$1], distances[$1], areas[$1].id) }
        var cumulative = 0
        var ranking: [PatientShareAnalysis.RankedArea] = []
        for (rank, i) in order.enumerated() {
            cumulative += patients[i]
            ranking.append(.init(
                rank: rank + 1, areaID: areas[i].id, name: areas[i].name, patients: patients[i], share: shareOf(patients[i]),
                cumulativeShare: shareOf(cumulative), distanceKm: distances[i],
                penetration: Penetration(patients: patients[i], population: areas[i].population["aged65"]),
                group: areas[i].groups.sorted { $0.key < $1.key }.first?.value))
        }
        // The member lists first; then their unions (GEOS, most of the time), on every core.
        var planned: [(members: [Int], share: Double, contiguous: Bool, reached: Bool)] = []
        for s in shares.sorted() {
            let target = s * Double(total)
            // Unconstrained: rank order, only areas with patients.
            var members: [Int] = []
            var sum = 0
            for i in order where patients[i] > 0 && Double(sum) < target {
                members.append(i)
                sum += patients[i]
            }
            planned.append((members, s, false, Double(sum) >= target))
            // Contiguous: greedy growth from the anchor's area.
            var region = [anchorIndex]
            var inRegion = Set(region)
            sum = patients[anchorIndex]
            var frontier = Set(adjacency[anchorIndex])
            // Stop when the target is met, or when no neighbour adds patients any more.
            let remaining = { (set: Set<Int>) in set.contains { patients[$0] > 0 } }
            while Double(sum) < target, !frontier.isEmpty {
                let reachable = remaining(frontier) || reachableWithPatients(from: frontier, excluding: inRegion, adjacency, patients)
                guard reachable else { break }
                let next = frontier.min { (-patients[$0], distances[$0], areas[$0].id) < (-patients[$1], distances[$1], areas[$1].id) }!
                region.append(next)
                inRegion.insert(next)
                sum += patients[next]
                frontier.remove(next)
                for n in adjacency[next] where !inRegion.contains(n) { frontier.insert(n) }
            }
            // Trailing zero-patient areas added as bridges that lead nowhere are dropped.
            while region.count > 1, patients[region.last!] == 0 { inRegion.remove(region.removeLast()) }
            planned.append((region, s, true, Double(sum) >= target))
        }
        let lists = planned
        let built = ParallelSlots<Result<PatientShareAnalysis.Catchment, any Error>>(count: lists.count)
        DispatchQueue.concurrentPerform(iterations: lists.count) { k in
            let p = lists[k]
            built.set(k, Result { try catchment(model, areas, p.members, p.share, contiguous: p.contiguous, reached: p.reached) })
        }
        // The first error in the order of the list, as a loop would throw it.
        let catchments = try built.filled.map { try $0.get() }
        var groups: [PatientShareAnalysis.GroupLine] = []
        for (grouping, list) in model.groups.sorted(by: { $0.key < $1.key }) {
            for g in list {
                groups.append(.init(grouping: grouping, name: g.name, patients: g.patients, share: shareOf(g.patients),
                                    penetration: Penetration(patients: g.patients, population: g.population["aged65"])))
            }
        }
        return PatientShareAnalysis(
            level: level, totalPatients: total, outsidePatients: model.outside.patients, ranking: ranking,
            catchments: catchments, groups: groups)
    }

    /// Whether some area with patients can still be reached from the frontier (breadth-first).
    private static func reachableWithPatients(from frontier: Set<Int>, excluding region: Set<Int>, _ adjacency: [[Int]], _ patients: [Int]) -> Bool {
        var seen = region.union(frontier)
        var queue = Array(frontier)
        while let i = queue.popLast() {
            if patients[i] > 0 { return true }
            for n in adjacency[i] where !seen.contains(n) {
                seen.insert(n)
                queue.append(n)
            }
        }
        return false
    }

    private static func catchment(
        _ model: StudyModel, _ areas: [Area], _ members: [Int], _ share: Double, contiguous: Bool, reached: Bool
    ) throws -> PatientShareAnalysis.Catchment {
        let chosen = members.map { areas[$0] }
        func sum(_ key: String) -> Double? {
            let values = chosen.compactMap { $0.population[key] }
            return values.count == chosen.count && !values.isEmpty ? values.reduce(0, +) : nil
        }
        var kinds: [String: Int] = [:]
        for a in chosen { for k in a.institutionIndices { kinds[model.institutions[k].kind, default: 0] += 1 } }
        let patients = chosen.reduce(0) { $0 + ($1.patients ?? 0) }
        return .init(
            targetShare: share, contiguous: contiguous, areaIDs: chosen.map(\.id), patients: patients,
            share: model.totalPatients > 0 ? Double(patients) / Double(model.totalPatients) : 0, reached: reached,
            population: sum("total"), aged65: sum("aged65"), areaKm2: chosen.reduce(0) { $0 + $1.areaKm2 },
            institutionsByKind: kinds,
            geometry: try dissolve(chosen, in: model, "the union of the \(String(format: "%.0f", share * 100)) % \(contiguous ? "contiguous" : "unconstrained") catchment"))
    }
}

/// The union of areas: a coverage union when they come from one layer (shared edges match
/// exactly), a full union when layers simplified independently may overlap. `operation` names it
/// in the error when GEOS fails (with the layer files and the areas: ``StudyModel/geometryStep(_:areas:institutions:_:)``).
func dissolve(_ areas: [Area], in model: StudyModel, _ operation: String) throws -> Geometry {
    if Set(areas.map(\.layer)).count <= 1 {
        // A layer whose shared edges are not exactly noded (an extra collinear vertex on one side)
        // is a valid input that GEOSCoverageUnion_r refuses: the overlay union handles it (the
        // loader notes such layers).
        if let union = try? Geometry.coverageUnion(areas.flatMap(\.geometry.polygons)) { return union }
    }
    return try model.geometryStep(operation, areas: areas) { try Geometry.union(areas.map(\.geometry)) }
}

/// An analysis cannot run on this study: what is missing, and how to fix it.
public struct AnalysisError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public let fix: String
    /// The study lacks data the analysis needs (e.g. no area has the 65+ population), as opposed
    /// to a setting or an input that is wrong: a command whose analysis needs it with its default
    /// settings says the analysis is not available instead of failing.
    public private(set) var isMissingData = false
    public init(_ message: String, fix: String = "") {
        self.message = message
        self.fix = fix
    }

    /// An error saying that the study lacks data (``isMissingData``).
    public static func missingData(_ message: String, fix: String = "") -> AnalysisError {
        var e = AnalysisError(message, fix: fix)
        e.isMissingData = true
        return e
    }

    public var description: String { fix.isEmpty ? message : "\(message) — \(fix)" }

    /// Two errors are the same when they say the same.
    public static func == (a: AnalysisError, b: AnalysisError) -> Bool { a.message == b.message && a.fix == b.fix }
}
