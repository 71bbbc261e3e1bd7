import CareFormats
import CareGeometry
import Foundation

/// A demand point of a covering problem: a census block's centroid, a patient's home.
public struct MCLPDemandPoint: Hashable, Sendable {
    /// Unique among the demand points.
    public let id: String
    /// Position in a projected CRS, metres.
    public let position: Coordinate
    /// w_i: people, patients, a weighted population; finite and ≥ 0.
    public let weight: Double

    public init(id: String, position: Coordinate, weight: Double) {
        self.id = id
        self.position = position
        self.weight = weight
    }
}

/// A place where a facility could be sited.
public struct MCLPCandidateSite: Hashable, Sendable {
    /// Unique among the candidate sites.
    public let id: String
    /// Position in a projected CRS, metres.
    public let position: Coordinate

    public init(id: String, position: Coordinate) {
        self.id = id
        self.position = position
    }
}

extension MCLPProblem {
    /// The MCLP of points: demand point i is covered by site j when their straight-line distance
    /// is at most `radiusMeters` (inclusive, as `spopt`'s `cost_matrix <= service_radius`).
    ///
    /// The coverage sets come from a uniform grid over the sites (``CatchmentPairs``), in
    /// O(N + M + pairs) time and memory: never an N × M matrix.
    ///
    /// - Parameters:
    ///   - forced, excluded: indices into `candidates`.
    /// - Throws: ``MCLPError`` listing every problem: no points, empty or repeated ids, non-finite
    ///   positions, weights that are negative, NaN or infinite, a radius that is not a finite
    ///   number > 0, and the problems of ``init(weights:coverage:candidateCount:p:forced:excluded:)``.
    public init(
        demand: [MCLPDemandPoint], candidates: [MCLPCandidateSite], radiusMeters: Double, p: Int, forced: [Int] = [],
        excluded: [Int] = []
    ) throws(MCLPError) {
        var problems = MCLPProblems()
        if !(radiusMeters.isFinite && radiusMeters > 0) {
            problems.add(.invalidParameter, "the radius must be a finite number of metres > 0, got \(radiusMeters)")
        }
        MCLPInput.check(demand.map { ($0.id, $0.position) }, what: "demand point", into: &problems)
        MCLPInput.check(candidates.map { ($0.id, $0.position) }, what: "candidate site", into: &problems)
        for (index, point) in demand.enumerated() where !(point.weight.isFinite && point.weight >= 0) {
            problems.add(.invalidValue, "demand point \(index + 1) (id \"\(point.id)\"): the weight must be a finite number ≥ 0, got \(point.weight)")
        }
        try problems.throwIfAny()
        let pairs: CatchmentPairs
        do {
            pairs = try CatchmentPairs(euclideanFrom: demand.map(\.position), to: candidates.map(\.position), maximumCost: radiusMeters)
        } catch {
            throw MCLPError(.invalidValue, error.description)
        }
        try self.init(weights: demand.map(\.weight), coverageStarts: pairs.rowStarts, coverage: pairs.supplyIndices,
                      candidateCount: candidates.count, p: p, forced: forced, excluded: excluded)
    }
}

/// Reading the demand and candidate tables of a covering problem.
///
/// Thread safety: stateless.
public enum MCLPInput {
    /// Reads demand points from a CSV with the columns `id,x,y,weight` (others are ignored).
    ///
    /// Every row is checked and every problem reported with its file and line: a missing or
    /// non-numeric value, a negative weight, an empty or repeated id, no rows.
    public static func readDemand(contentsOf url: URL) throws(MCLPError) -> [MCLPDemandPoint] {
        try readRows(url, columns: ["id", "x", "y", "weight"], what: "demand point").map {
            MCLPDemandPoint(id: $0.id, position: $0.position, weight: $0.weight)
        }
    }

    /// Reads candidate sites from a CSV with the columns `id,x,y` (others are ignored), checked
    /// as ``readDemand(contentsOf:)``.
    public static func readCandidates(contentsOf url: URL) throws(MCLPError) -> [MCLPCandidateSite] {
        try readRows(url, columns: ["id", "x", "y"], what: "candidate site").map {
            MCLPCandidateSite(id: $0.id, position: $0.position)
        }
    }

    /// Projects longitude/latitude positions to the metric CRS of their joint extent
    /// (``MetricCRS/choose(forLonLatExtent:)``), as ``AccessInput/projectToMetric(demand:supply:from:)``
    /// does; a projected `crs` leaves the points unchanged (nil choice).
    ///
    /// - Throws: ``GeometryError`` from PROJ for an unknown CRS or a position it cannot transform.
    public static func projectToMetric(demand: [MCLPDemandPoint], candidates: [MCLPCandidateSite], from crs: CRS) throws
        -> (demand: [MCLPDemandPoint], candidates: [MCLPCandidateSite], choice: MetricCRSChoice?)
    {
        let projected = try AccessInput.projectToMetric(
            demand: demand.map { DemandPoint(id: $0.id, position: $0.position, population: $0.weight) },
            supply: candidates.map { SupplyPoint(id: $0.id, position: $0.position, capacity: 0) }, from: crs)
        return (
            zip(demand, projected.demand).map { MCLPDemandPoint(id: $0.id, position: $1.position, weight: $0.weight) },
            zip(candidates, projected.supply).map { MCLPCandidateSite(id: $0.id, position: $1.position) },
            projected.choice
        )
    }

    /// Ids non-empty and unique, positions finite, at least one point.
    static func check(_ points: [(id: String, position: Coordinate)], what: String, into problems: inout MCLPProblems) {
        guard !points.isEmpty else {
            problems.add(.emptyInput, "there are no \(what)s", fix: "give at least one \(what)")
            return
        }
        var first: [String: Int] = [:]
        for (index, point) in points.enumerated() {
            if point.id.isEmpty {
                problems.add(.invalidValue, "\(what) \(index + 1) has an empty id")
            } else if let earlier = first[point.id] {
                problems.add(.duplicateID, "\(what) \(index + 1) repeats the id \"\(point.id)\" of \(what) \(earlier + 1)",
                             fix: "ids must be unique")
            } else {
                first[point.id] = index
            }
            if !point.position.isFinite {
                problems.add(.invalidValue, "\(what) \(index + 1) (id \"\(point.id)\") has a non-finite position \(point.position)")
            } else if max(abs(point.position.x), abs(point.position.y)) > Coordinate.projectedLimit {
                problems.add(.invalidValue, "\(what) \(index + 1) (id \"\(point.id)\") has the position \(point.position), beyond any projected CRS (|x|, |y| ≤ 1e8 m)",
                             fix: "check the x and y columns and their unit (metres)")
            }
        }
    }

    private struct Row {
        let id: String
        let position: Coordinate
        let weight: Double
    }

    private static func readRows(_ url: URL, columns names: [String], what: String) throws(MCLPError) -> [Row] {
        let table: CSVTable
        let columns: [CSVTable.Column]
        do {
            table = try CSVTable(contentsOf: url)
            columns = try table.columns(names)
        } catch {
            throw MCLPError(.unreadableTable, error.description)
        }
        let source = table.source
        guard !table.isEmpty else {
            throw MCLPError(.emptyInput, source: source, "there are no rows below the header", fix: "give at least one \(what)")
        }
        var problems = MCLPProblems()
        var rows: [Row] = []
        rows.reserveCapacity(table.count)
        var firstLine: [String: Int] = [:]
        for row in table {
            let line = row.lineNumber
            let id = row[columns[0]].trimmingCharacters(in: .whitespaces)
            if id.isEmpty {
                problems.add(.invalidValue, source: source, line: line, "the id is empty", fix: "every \(what) needs an id")
            } else if let first = firstLine[id] {
                problems.add(.duplicateID, source: source, line: line, "id \"\(id)\" repeats line \(first)", fix: "ids must be unique")
            } else {
                firstLine[id] = line
            }
            func number(_ column: CSVTable.Column, nonNegative: Bool) -> Double? {
                let parsed: ParsedNumber<Double>
                do {
                    parsed = try row.parseMeasure(column)
                } catch {
                    problems.add(.invalidValue, error.description)
                    return nil
                }
                guard let value = parsed.value, value.isFinite else {
                    problems.add(.invalidValue, source: source, line: line,
                                 "column \"\(column.name)\": a finite number is required, found \"\(row[column])\"")
                    return nil
                }
                if nonNegative && value < 0 {
                    problems.add(.invalidValue, source: source, line: line, "column \"\(column.name)\": must be ≥ 0, got \(row[column])")
                    return nil
                }
                return value
            }
            func coordinate(_ column: CSVTable.Column) -> Double? {
                guard let v = number(column, nonNegative: false) else { return nil }
                guard abs(v) <= Coordinate.projectedLimit else {
                    problems.add(.invalidValue, source: source, line: line,
                                 "column \"\(column.name)\": \(row[column].trimmingCharacters(in: .whitespaces)) is beyond any projected CRS (|\(column.name)| ≤ 1e8 m)",
                                 fix: "check the column and its unit (metres, or longitude/latitude with --crs)")
                    return nil
                }
                return v
            }
            let x = coordinate(columns[1])
            let y = coordinate(columns[2])
            let weight = columns.count > 3 ? number(columns[3], nonNegative: true) : 0
            if let x, let y, let weight {
                rows.append(Row(id: id, position: Coordinate(x: x, y: y), weight: weight))
            }
        }
        try problems.throwIfAny()
        return rows
    }
}

extension MCLPSolution {
    /// CHOSEN.csv: the header `id`, then the ids of the chosen sites, one per line in candidate
    /// order (``chosen`` is increasing); ids holding a comma, a double quote or a line break are
    /// quoted as RFC 4180 asks. Lines end with LF.
    ///
    /// - Parameter candidateIDs: the ids of all candidate sites, in input order.
    public func csv(candidateIDs: [String]) -> String {
        "id\n" + chosen.map { AccessScores.csvField(candidateIDs[$0]) + "\n" }.joined()
    }

    /// `covered=<covered> optimal=<true|false> gap=<gap>`: the weight covered and the relative gap
    /// with 17 significant digits (`%.17g`, enough to read back the same double; a whole number
    /// prints without a decimal point, e.g. `covered=826602`, and a zero gap as `gap=0`).
    public var summaryLine: String {
        "covered=\(String(format: "%.17g", covered)) optimal=\(optimal) gap=\(String(format: "%.17g", gap))"
    }
}
