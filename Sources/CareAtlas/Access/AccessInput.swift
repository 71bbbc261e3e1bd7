import CareFormats
import CareGeometry
import Foundation

/// A place where people who need the service live: a census block's centroid, a patient's home,
/// a grid cell.
public struct DemandPoint: Hashable, Sendable {
    /// Unique among the demand points; a cost table's `origin` column refers to it.
    public let id: String
    /// Position in a projected CRS, metres (used only by Euclidean costs).
    public let position: Coordinate
    /// The demand P_i: people, patients or a weighted population; finite and ≥ 0.
    public let population: Double

    /// A demand point; values are checked by ``AccessInput/validate(demand:supply:)``.
    public init(id: String, position: Coordinate, population: Double) {
        self.id = id
        self.position = position
        self.population = population
    }
}

/// A place that offers the service: a clinic, a hospital, a visiting-nurse station.
public struct SupplyPoint: Hashable, Sendable {
    /// Unique among the supply points; a cost table's `destination` column refers to it.
    public let id: String
    /// Position in a projected CRS, metres (used only by Euclidean costs).
    public let position: Coordinate
    /// The supply S_j: doctors, beds, visits per week; finite and ≥ 0.
    public let capacity: Double

    /// A supply point; values are checked by ``AccessInput/validate(demand:supply:)``.
    public init(id: String, position: Coordinate, capacity: Double) {
        self.id = id
        self.position = position
        self.capacity = capacity
    }
}

/// Reading and checking the demand and supply tables of a floating-catchment analysis.
///
/// Thread safety: stateless.
public enum AccessInput {
    /// Reads demand points from a CSV with the columns `id,x,y,population` (other columns are
    /// ignored): positions in projected metres (or longitude/latitude, see
    /// ``projectToMetric(demand:supply:from:)``), population a finite number ≥ 0.
    ///
    /// Every row is checked and every problem reported, each with the file and line.
    ///
    /// - Throws: ``AccessError``: the table cannot be read (`.unreadableTable`), a value is missing
    ///   or invalid (`.invalidValue`), an id repeats (`.duplicateID`), no rows (`.emptyInput`).
    public static func readDemand(contentsOf url: URL) throws(AccessError) -> [DemandPoint] {
        try readPoints(url, valueColumn: "population", what: "demand").map {
            DemandPoint(id: $0.id, position: $0.position, population: $0.value)
        }
    }

    /// Reads supply points from a CSV with the columns `id,x,y,capacity`, checked as in
    /// ``readDemand(contentsOf:)``.
    public static func readSupply(contentsOf url: URL) throws(AccessError) -> [SupplyPoint] {
        try readPoints(url, valueColumn: "capacity", what: "supply").map {
            SupplyPoint(id: $0.id, position: $0.position, capacity: $0.value)
        }
    }

    /// Checks demand and supply given in code: both non-empty, ids non-empty and unique within
    /// each list, positions finite, population and capacity finite and ≥ 0. Every problem is
    /// reported; points are named by their 1-based position and id.
    public static func validate(demand: [DemandPoint], supply: [SupplyPoint]) throws(AccessError) {
        var problems = AccessProblems()
        check(demand.map { ($0.id, $0.position, $0.population) }, what: "demand", valueName: "population", into: &problems)
        check(supply.map { ($0.id, $0.position, $0.capacity) }, what: "supply", valueName: "capacity", into: &problems)
        try problems.throwIfAny()
    }

    private static func check(
        _ points: [(id: String, position: Coordinate, value: Double)], what: String, valueName: String,
        into problems: inout AccessProblems
    ) {
        guard !points.isEmpty else {
            problems.add(.emptyInput, "there are no \(what) points", fix: "give at least one \(what) point")
            return
        }
        var firstIndex: [String: Int] = [:]
        for (index, point) in points.enumerated() {
            let name = "\(what) point \(index + 1) (id \"\(point.id)\")"
            if point.id.isEmpty {
                problems.add(.invalidValue, "\(what) point \(index + 1) has an empty id")
            } else if let first = firstIndex[point.id] {
                problems.add(.duplicateID, "\(name) repeats the id of \(what) point \(first + 1)", fix: "ids must be unique")
            } else {
                firstIndex[point.id] = index
            }
            if !point.position.isFinite {
                problems.add(.invalidValue, "\(name) has a non-finite position \(point.position)")
            }
            if !(point.value.isFinite && point.value >= 0) {
                problems.add(.invalidValue, "\(name): \(valueName) must be a finite number ≥ 0, got \(point.value)")
            }
        }
    }

    private struct RawPoint {
        let id: String
        let position: Coordinate
        let value: Double
    }

    private static func readPoints(_ url: URL, valueColumn: String, what: String) throws(AccessError) -> [RawPoint] {
        let table: CSVTable
        let columns: [CSVTable.Column]
        do {
            table = try CSVTable(contentsOf: url)
            columns = try table.columns(["id", "x", "y", valueColumn])
        } catch {
            throw AccessError(.unreadableTable, error.description)
        }
        let source = table.source
        guard !table.isEmpty else {
            throw AccessError(
                .emptyInput, source: source, "there are no \(what) rows below the header",
                fix: "give at least one \(what) point")
        }
        var problems = AccessProblems()
        var points: [RawPoint] = []
        points.reserveCapacity(table.count)
        var firstLine: [String: Int] = [:]
        for row in table {
            let line = row.lineNumber
            let id = row[columns[0]].trimmingCharacters(in: .whitespaces)
            if id.isEmpty {
                problems.add(.invalidValue, source: source, line: line, column: "id", "the id is empty", fix: "every \(what) point needs an id")
            } else if let first = firstLine[id] {
                problems.add(.duplicateID, source: source, line: line, column: "id", "\"\(id)\" repeats line \(first)", fix: "ids must be unique")
            } else {
                firstLine[id] = line
            }
            func measure(_ column: CSVTable.Column, nonNegative: Bool) -> Double? {
                let parsed: ParsedNumber<Double>
                do {
                    parsed = try row.parseMeasure(column)
                } catch {
                    problems.add(.invalidValue, error.description)
                    return nil
                }
                guard let value = parsed.value else {
                    problems.add(.invalidValue, source: source, line: line, column: column.name,
                                 "a number is required, found \(parsed.missingDescription)")
                    return nil
                }
                if nonNegative && value < 0 {
                    problems.add(.invalidValue, source: source, line: line, column: column.name,
                                 "\(column.name) must be ≥ 0, got \(row[column].trimmingCharacters(in: .whitespaces))")
                    return nil
                }
                return value
            }
            let x = measure(columns[1], nonNegative: false)
            let y = measure(columns[2], nonNegative: false)
            let value = measure(columns[3], nonNegative: true)
            if let x, let y, let value {
                points.append(RawPoint(id: id, position: Coordinate(x: x, y: y), value: value))
            }
        }
        try problems.throwIfAny()
        return points
    }
}

extension ParsedNumber {
    /// How a missing value is named in a message.
    fileprivate var missingDescription: String {
        if case .missing(let missing) = self { return missing.description }
        return "a number"
    }
}

extension AccessInput {
    /// Projects longitude/latitude positions to the metric CRS that suits their extent, so that
    /// Euclidean costs are in metres.
    ///
    /// When `crs` is geographic (by PROJ's database), every demand and supply position is
    /// transformed to ``MetricCRS/choose(forLonLatExtent:)`` of their joint extent, and that
    /// choice is returned; when `crs` is projected the points are returned unchanged with a nil
    /// choice (its unit is taken to be the metre).
    ///
    /// - Throws: ``GeometryError`` from PROJ when `crs` is unknown or a position cannot be
    ///   transformed (a latitude beyond ±90°).
    public static func projectToMetric(demand: [DemandPoint], supply: [SupplyPoint], from crs: CRS) throws
        -> (demand: [DemandPoint], supply: [SupplyPoint], choice: MetricCRSChoice?)
    {
        let geographic = try crs.isKnownGeographic || CRSInfo(crs).isGeographic
        guard geographic, !(demand.isEmpty && supply.isEmpty) else { return (demand, supply, nil) }
        var positions = demand.map(\.position) + supply.map(\.position)
        var extent = Envelope(positions[0])
        for position in positions { extent.expand(toInclude: position) }
        let choice = MetricCRS.choose(forLonLatExtent: extent)
        try CoordinateTransform(from: crs, to: choice.crs).transform(&positions)
        let projectedDemand = demand.indices.map {
            DemandPoint(id: demand[$0].id, position: positions[$0], population: demand[$0].population)
        }
        let projectedSupply = supply.indices.map {
            SupplyPoint(id: supply[$0].id, position: positions[demand.count + $0], capacity: supply[$0].capacity)
        }
        return (projectedDemand, projectedSupply, choice)
    }
}
