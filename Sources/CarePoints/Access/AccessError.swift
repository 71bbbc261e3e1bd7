import CareFormats

/// Raised when the inputs or parameters of a floating-catchment analysis are not usable.
///
/// Checking never stops at the first problem: every demand and supply row, every cost-table row and
/// every parameter is checked, and every problem is listed (``problems``). `description` is what a
/// user sees: one problem per line, each naming the file and line when there is one, what was
/// expected and what was found, and the fix.
public struct AccessError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of a problem, for code that reacts to it without parsing the message.
    public enum Kind: Hashable, Sendable {
        /// A table could not be read at all (absent file, ragged row, missing column…): the
        /// message is the tabular layer's own.
        case unreadableTable
        /// No demand points, or no supply points.
        case emptyInput
        /// An identifier appears twice among the demand points or among the supply points.
        case duplicateID
        /// A value is missing, not a number, negative, NaN or infinite where that is not allowed.
        case invalidValue
        /// A cost-table row names an origin that is not a demand point or a destination that is
        /// not a supply point.
        case unknownID
        /// A cost-table row repeats an (origin, destination) pair.
        case duplicatePair
        /// A parameter of the method (threshold, σ, β, distance bands, detour factor) is invalid.
        case invalidParameter
    }

    /// One problem.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// The class of the problem.
        public let kind: Kind
        /// The file the problem is in (its last path component), when there is one.
        public let source: String?
        /// The 1-based physical line in that file, when known.
        public let line: Int?
        /// The column the value came from, when the problem is about one value of a table.
        public let column: String?
        /// What is wrong, without the file and line.
        public let message: String
        /// What to do about it; may be empty.
        public let fix: String

        /// A problem, placed in a file, line and column where those are known.
        public init(
            _ kind: Kind, source: String? = nil, line: Int? = nil, column: String? = nil, _ message: String, fix: String = ""
        ) {
            self.kind = kind
            self.source = source
            self.line = line
            self.column = column
            self.message = message
            self.fix = fix
        }

        /// `demand.csv, line 7, column "population": must be ≥ 0, got -3; <fix>`, with the parts
        /// that are not known left out (the form of the tabular layer's messages).
        public var description: String { ProblemText.format(source: source, line: line, column: column, message, fix: fix) }
    }

    /// Every problem found, in input order.
    public let problems: [Problem]

    /// An error listing `problems` (at least one).
    public init(_ problems: [Problem]) {
        precondition(!problems.isEmpty, "an AccessError needs at least one problem")
        self.problems = problems
    }

    /// An error with a single problem.
    public init(_ kind: Kind, source: String? = nil, line: Int? = nil, _ message: String, fix: String = "") {
        self.init([Problem(kind, source: source, line: line, message, fix: fix)])
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

/// Collects problems while checking, then throws them together.
struct AccessProblems {
    private(set) var items: [AccessError.Problem] = []

    mutating func add(
        _ kind: AccessError.Kind, source: String? = nil, line: Int? = nil, column: String? = nil, _ message: String,
        fix: String = ""
    ) {
        items.append(AccessError.Problem(kind, source: source, line: line, column: column, message, fix: fix))
    }

    mutating func add(contentsOf error: AccessError) { items += error.problems }

    func throwIfAny() throws(AccessError) {
        if !items.isEmpty { throw AccessError(items) }
    }
}
