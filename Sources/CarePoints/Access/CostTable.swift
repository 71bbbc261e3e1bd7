import CareFormats
import Foundation

/// An origin–destination cost table: the cost of travelling from each demand point (origin) to
/// each supply point (destination) within reach, as network analysis tools export it (road
/// distance in metres, or travel time in minutes). PySAL `access` calls it `cost_df`.
///
/// Thread safety: an immutable value; share it freely.
public struct CostTable: Sendable {
    /// One row.
    public struct Entry: Hashable, Sendable {
        /// A demand point's id.
        public let origin: String
        /// A supply point's id.
        public let destination: String
        /// c_ij, in the table's unit.
        public let cost: Double
        /// The 1-based physical line in the file, when the entry was read from one.
        public let line: Int?

        /// A row; `line` names it in messages.
        public init(origin: String, destination: String, cost: Double, line: Int? = nil) {
            self.origin = origin
            self.destination = destination
            self.cost = cost
            self.line = line
        }
    }

    /// The file name used in messages, when the table was read from a file.
    public let source: String?
    /// The rows, in file order.
    public let entries: [Entry]

    /// A table given in code; `source` names it in messages. Rows are checked when pairs are
    /// built (``CatchmentPairs/init(table:demandIDs:supplyIDs:maximumCost:)``).
    public init(source: String? = nil, entries: [Entry]) {
        self.source = source
        self.entries = entries
    }

    /// Reads a CSV with the columns `origin,destination,cost` (other columns ignored).
    ///
    /// Every row is checked and every problem reported with its line: an empty id, a cost that is
    /// missing, not a number or negative. Whether ids exist is checked against the demand and
    /// supply points by ``CatchmentPairs/init(table:demandIDs:supplyIDs:maximumCost:)``.
    ///
    /// - Throws: ``AccessError``.
    public init(contentsOf url: URL) throws(AccessError) {
        let table: CSVTable
        let columns: [CSVTable.Column]
        do {
            table = try CSVTable(contentsOf: url)
            columns = try table.columns(["origin", "destination", "cost"])
        } catch {
            throw AccessError(.unreadableTable, error.description)
        }
        var problems = AccessProblems()
        var entries: [Entry] = []
        entries.reserveCapacity(table.count)
        for row in table {
            let line = row.lineNumber
            let origin = row[columns[0]].trimmingCharacters(in: .whitespaces)
            let destination = row[columns[1]].trimmingCharacters(in: .whitespaces)
            if origin.isEmpty { problems.add(.invalidValue, source: table.source, line: line, column: "origin", "the id is empty") }
            if destination.isEmpty {
                problems.add(.invalidValue, source: table.source, line: line, column: "destination", "the id is empty")
            }
            var cost: Double?
            do {
                cost = try row.parseMeasure(columns[2]).value
                if cost == nil {
                    problems.add(.invalidValue, source: table.source, line: line, column: "cost",
                                 "a number is required, found \"\(row[columns[2]])\"",
                                 fix: "leave out the pairs that cannot be reached")
                }
            } catch {
                problems.add(.invalidValue, error.description)
            }
            if let c = cost, c < 0 {
                problems.add(.invalidValue, source: table.source, line: line, column: "cost", "cost must be ≥ 0, got \(row[columns[2]])")
                cost = nil
            }
            if let cost, !origin.isEmpty, !destination.isEmpty {
                entries.append(Entry(origin: origin, destination: destination, cost: cost, line: line))
            }
        }
        try problems.throwIfAny()
        self.init(source: table.source, entries: entries)
    }
}
