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
    /// Areas of the level, in the level's order (sorted by id), and their demand: nil for an area
    /// without the demand measure, which is left out of the computation (no data, never 0).
    public let areaIDs: [String]
    public let demand: [Double?]
    /// Each area's score state, parallel to ``areaIDs``.
    public let status: [ScoreStatus]
    /// Institutions used as supply, sorted by id.
    public let supplyIDs: [String]
    /// The floating-catchment result over the areas with demand data, in their order (a subsequence
    /// of ``areaIDs``); read scores through ``score(_:)`` or ``scoreValues``.
    public let scores: AccessScores
    /// Areas without the demand measure (left out: no data) and institutions of the kinds without
    /// the capacity field (left out).
    public let areasWithoutDemand: [String]
    public let institutionsWithoutCapacity: [String]
    /// What the costs were: `straight_line`, `network`, `table` (the study's `cost:`) or
    /// `cost_matrix` (`--cost-matrix`), and their unit (`m`, `min`, or the matrix's own).
    public var cost = "straight_line"
    public var costUnit = "m"
    /// Areas scored without travel times (no route data at all): their score is undefined.
    public var areasWithoutTravelTime: [String] = []

    /// The state of an area's score.
    public enum ScoreStatus: String, Sendable, Hashable {
        /// A finite score.
        case ok
        /// The area has no demand data (its population measure is missing): no score.
        case noData = "no_data"
        /// Outside the coverage of a source of the supply kinds (`covers:`): the supply there is
        /// unknown, so no score.
        case noSupplyData = "no_supply_data"
        /// No supply within the threshold: no score.
        case noSupplyInReach = "no_supply_in_reach"
        /// A supply point in reach has no demand at all in its catchment (S / 0, +∞ in PySAL): no
        /// score, never `inf`.
        case supplyWithoutDemand = "supply_without_demand"
    }

    /// Scores parallel to ``areaIDs``: finite, or nil with the reason in ``status``.
    public let scoreValues: [Double?]

    /// The score of an area, nil when it has none (no data, no supply in reach, or supply without
    /// demand: see ``status``).
    public func score(_ areaID: String) -> Double? {
        guard let i = areaIDs.firstIndex(of: areaID) else { return nil }
        return scoreValues[i]
    }

    /// The score state of an area (nil for an id not of the level).
    public func status(_ areaID: String) -> ScoreStatus? {
        areaIDs.firstIndex(of: areaID).map { status[$0] }
    }

    public static func compute(
        _ model: StudyModel, level: AreaLevel = .municipality, demandMeasure: String = "aged65", kinds: [String],
        capacityField: String, method: FloatingCatchmentModel, detourFactor: Double = 1, normalize: Bool = false,
        costs: StudyCosts? = nil, costMatrix: CostTable? = nil
    ) throws -> StudyAccess {
        let areas = try model.analysedAreas(level)
        try model.checkKinds(kinds, role: "supply kinds", purpose: "the kinds that supply care")
        let candidates = model.institutions.filter { kinds.contains($0.kind) }
        let supply = candidates.filter { $0.capacity[capacityField] != nil }
        guard !supply.isEmpty else {
            let fields = Set(candidates.flatMap(\.capacity.keys)).sorted().joined(separator: ", ")
            throw AnalysisError("no institution of kind \(kinds.joined(separator: ", ")) has the capacity field \"\(capacityField)\"",
                                fix: fields.isEmpty ? "add capacity: to the institution layers" : "capacity fields of these kinds: \(fields)")
        }
        guard areas.contains(where: { $0.population[demandMeasure] != nil }) else {
            let measures = Set(areas.flatMap(\.population.keys)).sorted().joined(separator: ", ")
            throw AnalysisError.missingData("no \(level.rawValue) area has the population measure \"\(demandMeasure)\"",
                                            fix: "measures at this level: \(measures)")
        }
        // Areas without the measure are no data: left out of the demand (never counted as 0, which
        // would inflate the supply ratios of their providers) and given no score.
        let covered = areas.filter { $0.population[demandMeasure] != nil }
        let demandPoints = covered.map { DemandPoint(id: $0.id, position: $0.weightedCentroid, population: $0.population[demandMeasure]!) }
        let supplyPoints = supply.map { SupplyPoint(id: $0.id, position: $0.position, capacity: $0.capacity[capacityField] ?? 0) }
        let cost: AccessCost
        var costKind = "straight_line", unit = "m"
        if let costMatrix {
            cost = .table(try Self.restricted(costMatrix, model: model, areaIDs: covered.map(\.id), supplyIDs: supply.map(\.id)))
            (costKind, unit) = ("cost_matrix", "")
        } else if let costs {
            try costs.checkThreshold(method.maximumCost, what: "the access threshold")
            // Only the areas with demand data are scored (the others are no data, above).
            let scored = Set(covered.map(\.id))
            let table = costs.costTable(model, level: level, institutions: Set(supply.map(\.id)))
            cost = .table(CostTable(source: table.source, entries: table.entries.filter { scored.contains($0.origin) }))
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
        let scoreByID = Dictionary(uniqueKeysWithValues: zip(covered.map(\.id), scores.scores))
        var values: [Double?] = [], status: [ScoreStatus] = []
        for a in areas {
            guard let s = scoreByID[a.id] else { values.append(nil); status.append(.noData); continue }
            if s.isFinite { values.append(s); status.append(.ok) }
            else if s.isNaN { values.append(nil); status.append(.noSupplyInReach) }
            else { values.append(nil); status.append(.supplyWithoutDemand) }
        }
        // Outside the coverage of a source of these kinds, the supply is unknown: no score.
        for (i, a) in areas.enumerated() where status[i] != .noData && !model.sourcesNotCovering(a.id, at: level, kinds: kinds).isEmpty {
            values[i] = nil
            status[i] = .noSupplyData
        }
        // Areas the travel-time cost has no data for (off the network) have no score either.
        let withoutTravelTime = Set(costs?.areasWithoutData[level] ?? [])
        for (i, a) in areas.enumerated() where status[i] != .noData && withoutTravelTime.contains(a.id) {
            values[i] = nil
            status[i] = .noData
        }
        var result = StudyAccess(
            level: level, demandMeasure: demandMeasure, capacityField: capacityField, kinds: kinds.sorted(), areaIDs: areas.map(\.id),
            demand: areas.map { $0.population[demandMeasure] }, status: status, supplyIDs: supply.map(\.id), scores: scores,
            areasWithoutDemand: areas.filter { $0.population[demandMeasure] == nil }.map(\.id),
            institutionsWithoutCapacity: candidates.filter { $0.capacity[capacityField] == nil }.map(\.id), scoreValues: values)
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
