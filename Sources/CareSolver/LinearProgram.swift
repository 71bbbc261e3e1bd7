/// A mixed-integer linear program in bulk form, ready to be handed to a solver in one call.
///
/// Columns (variables) carry their bounds, objective coefficient and integrality; rows
/// (constraints) carry their bounds, `lower ≤ Σ a_j x_j ≤ upper`, with `-.infinity` / `.infinity`
/// for a missing side. Coefficients are stored column by column, so that ``compressedColumns()``
/// gives the compressed-sparse-column arrays `Cbc_loadProblem` takes without sorting.
///
/// The one model type of ``ILPSolver``: the region optimiser and the MCLP build their models with
/// it (``ILPSolver/solve(_:options:)`` solves one).
public struct LinearProgram: Sendable {
    /// Whether the objective is minimised or maximised.
    public enum Sense: Sendable { case minimize, maximize }

    /// One variable.
    public struct Column: Sendable, Hashable {
        public var lower: Double
        public var upper: Double
        public var objective: Double
        public var isInteger: Bool
    }

    public var sense: Sense
    public private(set) var columns: [Column] = []
    public private(set) var rowLower: [Double] = []
    public private(set) var rowUpper: [Double] = []
    /// Column-wise coefficients: `entries[j]` lists (row, value) of column j in the order added.
    public private(set) var entries: [[(row: Int, value: Double)]] = []

    public init(sense: Sense) { self.sense = sense }

    public var columnCount: Int { columns.count }
    public var rowCount: Int { rowLower.count }
    public var nonzeroCount: Int { entries.reduce(0) { $0 + $1.count } }

    /// Adds a variable and returns its index.
    @discardableResult
    public mutating func addColumn(lower: Double = 0, upper: Double, objective: Double, isInteger: Bool = false) -> Int {
        columns.append(Column(lower: lower, upper: upper, objective: objective, isInteger: isInteger))
        entries.append([])
        return columns.count - 1
    }

    /// Adds a binary variable (integer in [0, 1]) and returns its index.
    @discardableResult
    public mutating func addBinary(objective: Double) -> Int {
        addColumn(lower: 0, upper: 1, objective: objective, isInteger: true)
    }

    /// Adds the row `lower ≤ Σ value · x[column] ≤ upper` and returns its index. A column named
    /// twice in `terms` has its coefficients added.
    @discardableResult
    public mutating func addRow(_ terms: [(column: Int, value: Double)], lower: Double = -.infinity, upper: Double = .infinity) -> Int {
        let row = rowLower.count
        rowLower.append(lower)
        rowUpper.append(upper)
        for (column, value) in terms where value != 0 {
            precondition(column >= 0 && column < columns.count, "row term names column \(column) of \(columns.count)")
            if let last = entries[column].last, last.row == row {
                entries[column][entries[column].count - 1].value += value
            } else {
                entries[column].append((row, value))
            }
        }
        return row
    }

    /// Changes the bounds of a variable (e.g. to fix it).
    public mutating func setBounds(ofColumn column: Int, lower: Double, upper: Double) {
        columns[column].lower = lower
        columns[column].upper = upper
    }

    /// Sets the objective coefficient of one column.
    public mutating func setObjective(ofColumn column: Int, _ value: Double) {
        columns[column].objective = value
    }

    /// Makes every column integer (the integer program of a relaxation).
    public mutating func makeAllInteger() {
        for j in columns.indices { columns[j].isInteger = true }
    }

    /// The objective value of `values` (one per column) in the program's own sense.
    public func objectiveValue(_ values: [Double]) -> Double {
        zip(columns, values).reduce(0) { $0 + $1.0.objective * $1.1 }
    }

    /// The compressed-sparse-column form: `start[j] ..< start[j + 1]` are the entries of column j in
    /// `index` (rows) and `value`.
    public func compressedColumns() -> (start: [Int], index: [Int], value: [Double]) {
        var start: [Int] = [0]
        start.reserveCapacity(columns.count + 1)
        var index: [Int] = []
        var value: [Double] = []
        index.reserveCapacity(nonzeroCount)
        value.reserveCapacity(nonzeroCount)
        for column in entries {
            for (row, v) in column where v != 0 {
                index.append(row)
                value.append(v)
            }
            start.append(index.count)
        }
        return (start, index, value)
    }

    /// Every problem that makes the program unusable: NaN anywhere, infinite objective
    /// coefficients or matrix entries, crossed bounds. Empty when the program is well formed.
    public func problems() -> [String] {
        var found: [String] = []
        for (j, c) in columns.enumerated() {
            if c.lower.isNaN || c.upper.isNaN || c.lower > c.upper || c.lower == .infinity || c.upper == -.infinity {
                found.append("column \(j): bounds [\(c.lower), \(c.upper)] are not an interval")
            }
            if !c.objective.isFinite { found.append("column \(j): objective coefficient \(c.objective) is not finite") }
            for (row, v) in entries[j] where !v.isFinite {
                found.append("column \(j), row \(row): coefficient \(v) is not finite")
            }
        }
        for i in 0..<rowLower.count {
            let (l, u) = (rowLower[i], rowUpper[i])
            if l.isNaN || u.isNaN || l > u || l == .infinity || u == -.infinity {
                found.append("row \(i): bounds [\(l), \(u)] are not an interval")
            }
        }
        return found
    }
}
