import CareGeometry
import Foundation

/// Role sharing on a study: the districts of ``RoleSharing`` over a region's areas, with the base
/// hospitals, their loads and bands, and what changes against today's plurality service areas.
public struct RoleSharingResult: Sendable {
    public struct District: Sendable, Hashable {
        public let hospitalID: String
        public let hospitalName: String
        public let capacity: Double
        /// The home area of the hospital (its district's root).
        public let homeAreaID: String
        public let areaIDs: [String]
        /// Expected demand of the district and the band it must keep.
        public let demand: Double
        public let target: Double
        public let lower: Double
        public let upper: Double
        /// Demand-weighted mean distance from the district's areas to the hospital, km.
        public let meanDistanceKm: Double
        /// load / target (1 = exactly its capacity share).
        public var loadRatio: Double { target > 0 ? demand / target : .nan }
    }

    public struct AreaLine: Sendable, Hashable {
        public let areaID: String
        public let areaName: String
        public let demand: Double
        public let hospitalID: String
        public let distanceKm: Double
        /// The hospital with the most of the area's patients today (plurality service area), nil
        /// without a flow table or when the area has no flow.
        public let todayHospitalID: String?
        /// Whether the proposal gives the area to another hospital than today's (nil when unknown).
        public var changed: Bool? { todayHospitalID.map { $0 != hospitalID } }
    }

    public let level: AreaLevel
    public let region: PlanningRegion
    public let capacityMeasure: String
    public let demandMeasure: String
    public let tolerance: Double
    public let districts: [District]
    /// One line per area of the region, by code.
    public let areas: [AreaLine]
    public let solution: DistrictSolution
    /// Whether a flow table gave today's service areas.
    public let comparedWithFlows: Bool

    /// Runs role sharing as `spec` says.
    /// - Throws: ``AnalysisError`` with the fix (unknown hospitals, missing demand, no feasible districts).
    public static func analyse(_ model: StudyModel, spec: RoleSharingSpec, scenarios: ScenarioAnalysis?) throws -> RoleSharingResult {
        let level = spec.level
        let ids = try spec.region.areaIDs(model, scenarios: scenarios, level: level)
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let areas = ids.map { model.area($0, at: level)! }
        // Demand: missing data is an error, never 0.
        let missing = areas.filter { $0.population[spec.demand] == nil }
        guard missing.isEmpty else {
            throw AnalysisError("role sharing: \(missing.count) area(s) of the region have no \(spec.demand) population (e.g. \(missing.prefix(3).map { "\($0.id) \($0.name)" }.joined(separator: ", ")))",
                                fix: "give \(spec.demand) for every area of the region at \(level.rawValue) level, or set role_sharing.demand to a measure the study has")
        }
        let demand = areas.map { $0.population[spec.demand]! }
        // Base hospitals: named, else the anchor and every institution in the region with capacity.
        var hospitals: [Institution] = []
        if spec.hospitals.isEmpty {
            hospitals = model.institutions.enumerated().filter { k, inst in
                guard let a = inst.areaIDs[level], index[a] != nil else { return false }
                return k == model.anchorIndex || (inst.capacity[spec.capacity] ?? 0) > 0
            }.map(\.element)
        } else {
            for id in spec.hospitals {
                guard let inst = model.institutions.first(where: { $0.id == id }) else {
                    throw AnalysisError("role_sharing.hospitals: no institution has id \(id)", fix: "use the ids of the study's institution tables")
                }
                hospitals.append(inst)
            }
        }
        guard !hospitals.isEmpty else {
            throw AnalysisError("role sharing: no base hospital in the region (\(spec.region))", fix: "name hospitals: or give institutions a \(spec.capacity) capacity")
        }
        var roots: [Int] = [], capacity: [Double] = []
        for h in hospitals {
            guard let a = h.areaIDs[level], let i = index[a] else {
                throw AnalysisError("role sharing: \(h.id) \(h.name) is not inside the region (\(spec.region))", fix: "leave it out of hospitals: or widen the region")
            }
            if let other = hospitals.first(where: { $0.id != h.id && $0.areaIDs[level] == a }) {
                throw AnalysisError("role sharing: \(h.id) \(h.name) and \(other.id) \(other.name) lie in the same area \(a); each district needs its own home area",
                                    fix: "keep one of them in role_sharing.hospitals, or use level: small_area")
            }
            guard let c = h.capacity[spec.capacity], c > 0 else {
                throw AnalysisError("role sharing: \(h.id) \(h.name) has no positive \(spec.capacity)", fix: "give its capacity, or set role_sharing.capacity to a measure every base hospital has")
            }
            roots.append(i)
            capacity.append(c)
        }
        let adjacency = model.adjacency[level] ?? []
        let adj = areas.map { a -> [Int] in
            (adjacency[model.areaIndex(a.id, at: level)!]).compactMap { index[model.areas[level]![$0].id] }
        }
        let distance = areas.map { a in hospitals.map { hypot(a.weightedCentroid.x - $0.position.x, a.weightedCentroid.y - $0.position.y) / 1000 } }
        let problem = DistrictProblem(demand: demand, adjacency: adj, roots: roots, capacity: capacity, distanceKm: distance, tolerance: spec.tolerance)
        let solution: DistrictSolution
        do { solution = try RoleSharing.solve(problem, timeLimitSeconds: spec.timeLimitSeconds) } catch let e as DistrictError {
            throw AnalysisError("role sharing on \(spec.region): \(e.message)", fix: e.fix)
        }
        var today: [String: String] = [:]
        if !model.flows.isEmpty {
            for o in ServiceAreas(flows: model.flows, originIDs: ids).origins { if let h = o.hospitalID { today[o.id] = h } }
        }
        let districts = hospitals.enumerated().map { h, inst in
            let members = ids.indices.filter { solution.assignment[$0] == h }
            let load = members.reduce(0) { $0 + demand[$1] }
            let band = problem.band(h)
            let weighted = members.reduce(0) { $0 + demand[$1] * distance[$1][h] }
            return District(hospitalID: inst.id, hospitalName: inst.name, capacity: capacity[h], homeAreaID: ids[roots[h]],
                            areaIDs: members.map { ids[$0] }, demand: load,
                            target: demand.reduce(0, +) * capacity[h] / capacity.reduce(0, +), lower: band.lowerBound,
                            upper: band.upperBound, meanDistanceKm: load > 0 ? weighted / load : .nan)
        }
        let lines = ids.indices.map { i in
            AreaLine(areaID: ids[i], areaName: areas[i].name, demand: demand[i], hospitalID: hospitals[solution.assignment[i]].id,
                     distanceKm: distance[i][solution.assignment[i]], todayHospitalID: today[ids[i]])
        }
        return RoleSharingResult(level: level, region: spec.region, capacityMeasure: spec.capacity, demandMeasure: spec.demand,
                                 tolerance: spec.tolerance, districts: districts, areas: lines, solution: solution,
                                 comparedWithFlows: !model.flows.isEmpty)
    }
}
