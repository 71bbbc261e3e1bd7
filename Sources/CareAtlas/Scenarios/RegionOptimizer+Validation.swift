/// Raised when a ``RegionProblem`` cannot be solved: its input is invalid, no region satisfies it,
/// or the solver failed.
///
/// Checking never stops at the first problem: every weight, cost, budget, neighbour list and node
/// list is checked and every problem is listed (``problems``); `description` shows one per line.
public struct RegionOptimizerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of a problem, for code that reacts to it without parsing the message.
    public enum Kind: Hashable, Sendable {
        /// A value or index is malformed: NaN, negative, out of range, asymmetric adjacency, lists
        /// of the wrong length, a node both required and forbidden…
        case invalidInput
        /// The input is well formed but no region satisfies it: the required nodes alone exceed a
        /// budget, or they cannot be connected to the root (through allowed nodes, within the
        /// budgets).
        case infeasible
        /// CBC failed (numerical difficulties); the message carries its status.
        case solverFailure
    }

    /// One problem.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public let kind: Kind
        /// What is wrong.
        public let message: String
        /// What to do about it; may be empty.
        public let fix: String

        public init(_ kind: Kind, _ message: String, fix: String = "") {
            self.kind = kind
            self.message = message
            self.fix = fix
        }

        public var description: String { fix.isEmpty ? message : message + "; " + fix }
    }

    /// Every problem found, in input order.
    public let problems: [Problem]

    /// An error listing `problems` (at least one).
    public init(_ problems: [Problem]) {
        precondition(!problems.isEmpty, "a RegionOptimizerError needs at least one problem")
        self.problems = problems
    }

    /// An error with a single problem.
    public init(_ kind: Kind, _ message: String, fix: String = "") {
        self.init([Problem(kind, message, fix: fix)])
    }

    /// How many problems `description` lists before summarising the rest.
    public static let listedProblemLimit = 25

    /// One problem per line; beyond ``listedProblemLimit`` problems, a last line counts the rest.
    public var description: String {
        var lines = problems.prefix(Self.listedProblemLimit).map(\.description)
        if problems.count > Self.listedProblemLimit {
            lines.append("… and \(problems.count - Self.listedProblemLimit) more problems of the same kinds")
        }
        return lines.joined(separator: "\n")
    }
}

extension RegionOptimizer {
    /// Checks the shape and values of `p`; throws every problem found at once.
    static func validate(_ p: RegionProblem, timeLimitSeconds: Double) throws(RegionOptimizerError) {
        var found: [RegionOptimizerError.Problem] = []
        func bad(_ message: String, fix: String = "") { found.append(.init(.invalidInput, message, fix: fix)) }

        let n = p.weights.count
        if n == 0 { bad("the problem has no nodes (weights is empty)") }
        if timeLimitSeconds.isNaN || timeLimitSeconds < 0 { bad("timeLimitSeconds must be ≥ 0, got \(timeLimitSeconds)") }
        for (i, w) in p.weights.enumerated() where !(w.isFinite && w >= 0) {
            bad("weights[\(i)] must be a finite number ≥ 0, got \(w)")
        }
        if p.costs.count != p.budgets.count {
            bad("costs has \(p.costs.count) rows but budgets has \(p.budgets.count) limits", fix: "give one cost row per budget")
        }
        for (k, row) in p.costs.enumerated() {
            if row.count != n { bad("costs[\(k)] has \(row.count) values for \(n) nodes") }
            for (i, c) in row.enumerated() where !(c.isFinite && c >= 0) {
                bad("costs[\(k)][\(i)] must be a finite number ≥ 0, got \(c)")
            }
        }
        for (k, b) in p.budgets.enumerated() where b.isNaN || b < 0 {
            bad("budgets[\(k)] must be ≥ 0 (or .infinity for no limit), got \(b)")
        }

        if p.adjacency.count != n {
            bad("adjacency has \(p.adjacency.count) neighbour lists for \(n) nodes")
        } else {
            var neighbours = [Set<Int>](repeating: [], count: n)
            for (i, list) in p.adjacency.enumerated() {
                for j in list {
                    if j < 0 || j >= n {
                        bad("adjacency[\(i)] names node \(j), outside 0..<\(n)")
                    } else if j == i {
                        bad("adjacency[\(i)] lists node \(i) as its own neighbour")
                    } else if !neighbours[i].insert(j).inserted {
                        bad("adjacency[\(i)] lists neighbour \(j) twice")
                    }
                }
            }
            for i in 0..<n {
                for j in neighbours[i].sorted() where !neighbours[j].contains(i) {
                    bad("adjacency is not symmetric: \(j) is a neighbour of \(i) but \(i) is not a neighbour of \(j)",
                        fix: "list every rook neighbour pair both ways")
                }
            }
        }

        let inRange = 0..<n
        if !inRange.contains(p.root) { bad("root \(p.root) is outside 0..<\(n)") }
        for i in p.required where !inRange.contains(i) { bad("required node \(i) is outside 0..<\(n)") }
        for i in p.forbidden where !inRange.contains(i) { bad("forbidden node \(i) is outside 0..<\(n)") }
        let forbidden = Set(p.forbidden)
        if forbidden.contains(p.root) { bad("the root \(p.root) is forbidden") }
        for i in Set(p.required).intersection(forbidden).sorted() where i != p.root {
            bad("node \(i) is both required and forbidden")
        }

        if !found.isEmpty { throw RegionOptimizerError(found) }
    }
}
