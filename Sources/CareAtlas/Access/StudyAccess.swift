import CareGeometry
import CarePoints
import Foundation

/// Floating-catchment accessibility on a study: demand at the population-weighted centroids of the
/// areas of a level (a population measure, 65+ by default), supply at the institutions of chosen
/// kinds (a capacity field). Costs are straight-line metres in the study's metric CRS (times a
/// detour factor), or, with the study's travel-time cost (``StudyCosts``), minutes from the area
/// to the institution — pairs without a route are out of reach — or the rows of an imported
/// origin–destination table (`access STUDY --cost-matrix`, in the table's unit).
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
    /// What the costs were: `straight_line`, `network`, `table` (the study's `cost:`) or
    /// `cost_matrix` (`--cost-matrix`), and their unit (`m`, `min`, or the matrix's own).
    public var cost = "straight_line"
    public var costUnit = "m"
    /// Areas scored without travel times (no route data at all): their score is undefined.
    public var areasWithoutTravelTime: [String] = []

    /// The score of an area, nil when undefined (no supply in reach).
    public func score(_ areaID: String) -> Double? {
        guard let i = areaIDs.firstIndex(of: areaID) else { return nil }
        let s = scores.scores[i]
        return s.isNaN ? nil : s
    }

    public static func compute(
        _ model: StudyModel, level: AreaLevel = .municipality, demandMeasure: String = "aged65", kinds: [String],
        capacityField: String, method: FloatingCatchmentModel, detourFactor: Double = 1, normalize: Bool = false,
        costs: StudyCosts? = nil, costMatrix: CostTable? = nil
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
        let cost: AccessCost
        var costKind = "straight_line", unit = "m"
        if let costMatrix {
            cost = .table(try Self.restricted(costMatrix, model: model, areaIDs: areas.map(\.id), supplyIDs: supply.map(\.id)))
            (costKind, unit) = ("cost_matrix", "")
        } else if let costs {
            try costs.checkThreshold(method.maximumCost, what: "the access threshold")
            cost = .table(costs.costTable(model, level: level, institutions: Set(supply.map(\.id))))
            (costKind, unit) = (costs.spec.kindName, "min")
        } else {
            cost = .euclidean(detourFactor: detourFactor)
        }
        let scores: AccessScores
        do {
            scores = try FloatingCatchment.scores(demand: demandPoints, supply: supplyPoints, cost: cost, model: method, normalize: normalize)
        } catch {
            throw AnalysisError("\(error)")
        }
        var result = StudyAccess(
            level: level, demandMeasure: demandMeasure, capacityField: capacityField, kinds: kinds.sorted(), areaIDs: areas.map(\.id),
            demand: demandPoints.map(\.population), supplyIDs: supply.map(\.id), scores: scores,
            areasWithoutDemand: areas.filter { $0.population[demandMeasure] == nil }.map(\.id),
            institutionsWithoutCapacity: candidates.filter { $0.capacity[capacityField] == nil }.map(\.id))
        result.cost = costKind
        result.costUnit = unit
        result.areasWithoutTravelTime = costs?.areasWithoutData[level] ?? []
        return result
    }

    /// The rows of an imported matrix that concern this scoring: origins among the level's areas,
    /// destinations among the supply. A row naming no area of the study or no institution at all
    /// is an error with its line.
    static func restricted(_ table: CostTable, model: StudyModel, areaIDs: [String], supplyIDs: [String]) throws -> CostTable {
        let areas = Set(model.levels.flatMap { (model.areas[$0] ?? []).map(\.id) })
        let institutions = Set(model.institutions.map(\.id))
        let origins = Set(areaIDs), destinations = Set(supplyIDs)
        var problems: [String] = []
        for e in table.entries {
            if !areas.contains(e.origin) { problems.append("line \(e.line ?? 0): origin \"\(e.origin)\" is no area of the study") }
            if !institutions.contains(e.destination) {
                problems.append("line \(e.line ?? 0): destination \"\(e.destination)\" is no institution of the study")
            }
        }
        if !problems.isEmpty {
            throw AnalysisError("--cost-matrix \(table.source ?? ""): " + problems.prefix(10).joined(separator: "; ")
                                    + (problems.count > 10 ? "; and \(problems.count - 10) more" : ""),
                                fix: "origins are area codes of the study, destinations institution ids")
        }
        return CostTable(source: table.source, entries: table.entries.filter { origins.contains($0.origin) && destinations.contains($0.destination) })
    }
}
