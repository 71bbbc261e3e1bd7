import CareGeometry
import CarePoints
import Foundation

/// Floating-catchment accessibility on a study: demand at the population-weighted centroids of the
/// areas of a level (a population measure, 65+ by default), supply at the institutions of chosen
/// kinds (a capacity field), straight-line costs in the study's metric CRS.
public struct StudyAccess: Sendable {
    public let level: AreaLevel
    public let demandMeasure: String
    public let capacityField: String
    public let kinds: [String]
    /// Areas scored, in the level's order (sorted by id), and their demand.
    public let areaIDs: [String]
    public let demand: [Double]
    /// Institutions used as supply, sorted by id.
    public let supplyIDs: [String]
    public let scores: AccessScores
    /// Areas without the demand measure (scored with demand 0) and institutions of the kinds without
    /// the capacity field (left out).
    public let areasWithoutDemand: [String]
    public let institutionsWithoutCapacity: [String]

    /// The score of an area, nil when undefined (no supply in reach).
    public func score(_ areaID: String) -> Double? {
        guard let i = areaIDs.firstIndex(of: areaID) else { return nil }
        let s = scores.scores[i]
        return s.isNaN ? nil : s
    }

    public static func compute(
        _ model: StudyModel, level: AreaLevel = .municipality, demandMeasure: String = "aged65", kinds: [String],
        capacityField: String, method: FloatingCatchmentModel, detourFactor: Double = 1, normalize: Bool = false
    ) throws -> StudyAccess {
        guard let areas = model.areas[level] else {
            throw AnalysisError("the study has no \(level.rawValue) areas", fix: "choose a level the study has")
        }
        let known = Set(model.institutions.map(\.kind))
        guard !kinds.isEmpty else {
            throw AnalysisError("no supply kinds given", fix: "give the kinds that supply care, e.g. \(known.sorted().joined(separator: ","))")
        }
        for k in kinds where !known.contains(k) {
            throw AnalysisError("no institution is of kind \"\(k)\"", fix: "kinds in this study are: \(known.sorted().joined(separator: ", "))")
        }
        let candidates = model.institutions.filter { kinds.contains($0.kind) }
        let supply = candidates.filter { $0.capacity[capacityField] != nil }
        guard !supply.isEmpty else {
            let fields = Set(candidates.flatMap(\.capacity.keys)).sorted().joined(separator: ", ")
            throw AnalysisError("no institution of kind \(kinds.joined(separator: ", ")) has the capacity field \"\(capacityField)\"",
                                fix: fields.isEmpty ? "add capacity: to the institution layers" : "capacity fields of these kinds: \(fields)")
        }
        guard areas.contains(where: { $0.population[demandMeasure] != nil }) else {
            let measures = Set(areas.flatMap(\.population.keys)).sorted().joined(separator: ", ")
            throw AnalysisError("no \(level.rawValue) area has the population measure \"\(demandMeasure)\"", fix: "measures at this level: \(measures)")
        }
        let demandPoints = areas.map { DemandPoint(id: $0.id, position: $0.weightedCentroid, population: $0.population[demandMeasure] ?? 0) }
        let supplyPoints = supply.map { SupplyPoint(id: $0.id, position: $0.position, capacity: $0.capacity[capacityField] ?? 0) }
        let scores: AccessScores
        do {
            scores = try FloatingCatchment.scores(
                demand: demandPoints, supply: supplyPoints, cost: .euclidean(detourFactor: detourFactor), model: method, normalize: normalize)
        } catch {
            throw AnalysisError("\(error)")
        }
        return StudyAccess(
            level: level, demandMeasure: demandMeasure, capacityField: capacityField, kinds: kinds.sorted(), areaIDs: areas.map(\.id),
            demand: demandPoints.map(\.population), supplyIDs: supply.map(\.id), scores: scores,
            areasWithoutDemand: areas.filter { $0.population[demandMeasure] == nil }.map(\.id),
            institutionsWithoutCapacity: candidates.filter { $0.capacity[capacityField] == nil }.map(\.id))
    }
}
