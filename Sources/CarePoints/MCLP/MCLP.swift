import CareFormats

/// The maximal covering location problem (MCLP; Church & ReVelle 1974, "The maximal covering
/// location problem", Papers of the Regional Science Association 32:101–118).
///
/// Demand points i carry weights w_i ≥ 0; N_i is the set of candidate sites within the coverage
/// radius r of i. Choose exactly p sites so as to maximise the weight covered:
///
///     maximise   Σ_i w_i y_i
///     subject to y_i ≤ Σ_{j ∈ N_i} x_j    for every demand point i
///                Σ_j x_j = p
///                x_j, y_i ∈ {0, 1}
///
/// (plus x_j = 1 for forced sites and x_j = 0 for excluded ones). ``MCLPProblem`` holds the
/// coverage sets N_i sparsely, never an N × M matrix; ``MCLPSolver/solve(_:timeLimitSeconds:options:)``
/// solves it exactly. This is the model of PySAL `spopt`'s `spopt.locate.MCLP`: the same
/// inclusive coverage test d ≤ r and the same objective.
public struct MCLPProblem: Sendable, Hashable {
    /// w_i for every demand point: finite and ≥ 0.
    public let weights: [Double]
    /// `demandCount + 1` offsets into ``coverage``: N_i is `coverage[coverageStarts[i]..<coverageStarts[i + 1]]`.
    public let coverageStarts: [Int]
    /// The candidate sites (0-based indices) covering each demand point, increasing within a demand point.
    public let coverage: [Int32]
    /// The number of candidate sites M.
    public let candidateCount: Int
    /// How many sites to choose, forced ones included: 1 ≤ p ≤ M − excluded.
    public let p: Int
    /// Sites that must be chosen (0-based, increasing, no repeats); at most p of them.
    public let forced: [Int]
    /// Sites that must not be chosen (0-based, increasing, no repeats), disjoint from ``forced``.
    public let excluded: [Int]

    /// The number of demand points.
    public var demandCount: Int { weights.count }

    /// N_i: the candidate sites covering demand point `i`.
    public func coverage(ofDemand i: Int) -> ArraySlice<Int32> { coverage[coverageStarts[i]..<coverageStarts[i + 1]] }

    /// A problem from the coverage sets given as lists (each in any order, repeats allowed).
    ///
    /// - Throws: ``MCLPError`` listing every problem: a weight that is negative, NaN or infinite, a
    ///   site index outside `0..<candidateCount`, p outside `1...(candidateCount − excluded)`, more
    ///   forced sites than p, a site both forced and excluded, a forced or excluded index out of range.
    public init(weights: [Double], coverage: [[Int]], candidateCount: Int, p: Int, forced: [Int] = [], excluded: [Int] = [])
        throws(MCLPError)
    {
        var problems = MCLPProblems()
        if coverage.count != weights.count {
            problems.add(.invalidParameter, "there are \(weights.count) weights but \(coverage.count) coverage sets",
                         fix: "give one coverage set per demand point")
        }
        var starts = [0]
        var flat: [Int32] = []
        starts.reserveCapacity(coverage.count + 1)
        for (i, set) in coverage.enumerated() {
            let sorted = Array(Set(set)).sorted()
            if let bad = sorted.first(where: { $0 < 0 || $0 >= candidateCount }) {
                problems.add(.invalidValue, "demand point \(i + 1): site \(bad) is not in 0..<\(candidateCount)")
            }
            flat += sorted.filter { $0 >= 0 && $0 < candidateCount }.map { Int32($0) }
            starts.append(flat.count)
        }
        try problems.throwIfAny()
        try self.init(weights: weights, coverageStarts: starts, coverage: flat, candidateCount: candidateCount, p: p,
                      forced: forced, excluded: excluded)
    }

    /// A problem from coverage sets in compressed sparse row form (see ``coverageStarts``); each
    /// row must be strictly increasing.
    ///
    /// - Throws: ``MCLPError`` as ``init(weights:coverage:candidateCount:p:forced:excluded:)``, and
    ///   for offsets or rows that are not well formed.
    public init(
        weights: [Double], coverageStarts: [Int], coverage: [Int32], candidateCount: Int, p: Int, forced: [Int] = [],
        excluded: [Int] = []
    ) throws(MCLPError) {
        var problems = MCLPProblems()
        if candidateCount < 1 {
            problems.add(.emptyInput, "there are no candidate sites", fix: "give at least one candidate site")
        }
        if weights.isEmpty {
            problems.add(.emptyInput, "there are no demand points", fix: "give at least one demand point")
        }
        for (i, w) in weights.enumerated() where !(w.isFinite && w >= 0) {
            problems.add(.invalidValue, "demand point \(i + 1): the weight must be a finite number ≥ 0, got \(w)")
        }
        if coverageStarts.count != weights.count + 1 || coverageStarts.first != 0 || coverageStarts.last != coverage.count {
            problems.add(.invalidParameter, "coverageStarts must hold \(weights.count + 1) offsets from 0 to \(coverage.count)")
        } else {
            for i in weights.indices {
                let (a, b) = (coverageStarts[i], coverageStarts[i + 1])
                guard a <= b else {
                    problems.add(.invalidParameter, "coverageStarts decreases at demand point \(i + 1)")
                    break
                }
                for k in a..<b where coverage[k] < 0 || Int(coverage[k]) >= candidateCount || (k > a && coverage[k] <= coverage[k - 1]) {
                    problems.add(.invalidValue,
                                 "demand point \(i + 1): the sites covering it must be distinct, increasing and in 0..<\(candidateCount)")
                    break
                }
            }
        }
        func checkList(_ list: [Int], _ name: String) -> Set<Int> {
            for site in list where site < 0 || site >= candidateCount {
                problems.add(.invalidParameter, "\(name) site \(site) is not in 0..<\(candidateCount)")
            }
            let set = Set(list)
            if set.count != list.count { problems.add(.invalidParameter, "\(name) sites repeat") }
            return set
        }
        let forcedSet = checkList(forced, "forced")
        let excludedSet = checkList(excluded, "excluded")
        for site in forcedSet.intersection(excludedSet).sorted() {
            problems.add(.invalidParameter, "site \(site) is both forced and excluded", fix: "a site can be one or the other")
        }
        let available = candidateCount - excludedSet.count
        if p < 1 {
            problems.add(.invalidParameter, "p must be at least 1, got \(p)", fix: "choose at least one site")
        } else if p > available {
            problems.add(.invalidParameter,
                         "p = \(p) is more than the \(available) candidate sites that may be chosen",
                         fix: "give p ≤ \(available), or more candidate sites")
        }
        if forcedSet.count > p {
            problems.add(.invalidParameter, "\(forcedSet.count) sites are forced but p = \(p)", fix: "give p ≥ the number of forced sites")
        }
        try problems.throwIfAny()
        self.weights = weights
        self.coverageStarts = coverageStarts
        self.coverage = coverage
        self.candidateCount = candidateCount
        self.p = p
        self.forced = forcedSet.sorted()
        self.excluded = excludedSet.sorted()
    }

    /// The weight covered by the sites `chosen` (0-based; repeats count once): Σ w_i over the
    /// demand points with at least one chosen site in N_i, summed in demand order.
    public func covered(by chosen: [Int]) -> Double {
        var isChosen = [Bool](repeating: false, count: candidateCount)
        for j in chosen where j >= 0 && j < candidateCount { isChosen[j] = true }
        var total = 0.0
        for i in weights.indices where coverage(ofDemand: i).contains(where: { isChosen[Int($0)] }) {
            total += weights[i]
        }
        return total
    }

    /// The total weight of the demand points covered by at least one site that may be chosen:
    /// what no choice of sites can exceed.
    public var coverableWeight: Double {
        var allowed = [Bool](repeating: true, count: candidateCount)
        for j in excluded { allowed[j] = false }
        var total = 0.0
        for i in weights.indices where coverage(ofDemand: i).contains(where: { allowed[Int($0)] }) {
            total += weights[i]
        }
        return total
    }
}

/// An optimal (or, when the time limit hit, the best found) choice of sites.
public struct MCLPSolution: Sendable, Hashable {
    /// How optimality was established.
    public enum Method: String, Sendable, Hashable, CustomStringConvertible {
        /// Preprocessing alone: the sites that may be chosen cover every coverable demand point
        /// with p or fewer non-dominated sites, or p is taken by forced sites.
        case preprocessing
        /// The Lagrangian bound at the root met the greedy-and-interchange solution: no branching.
        case rootBound = "root bound"
        /// Branch-and-bound on the sites with Lagrangian bounds.
        case branchAndBound = "branch-and-bound"

        public var description: String { rawValue }
    }

    /// The chosen sites, 0-based, increasing; exactly p of them, forced ones included.
    public let chosen: [Int]
    /// The weight covered by ``chosen``, summed in demand order (``MCLPProblem/covered(by:)``).
    public let covered: Double
    /// An upper bound on the weight any p sites can cover; equal to ``covered`` when ``optimal``.
    public let bound: Double
    /// Whether ``covered`` is proved to be the maximum: bound − covered ≤ 10⁻⁹ × the total
    /// weight, or, when every weight is a whole number, bound − covered < 1.
    public let optimal: Bool
    /// (bound − covered) / max(covered, 1): 0 when ``optimal``.
    public let gap: Double
    /// The branch-and-bound nodes evaluated (the root is node 1; 0 when preprocessing solved it).
    public let nodes: Int
    /// How optimality was established.
    public let method: Method
    /// The Lagrangian (= LP relaxation) bound at the root, after preprocessing; equal to
    /// ``covered`` when preprocessing solved the problem.
    public let rootBound: Double
    /// Demand points left after preprocessing (merged, uncoverable and zero-weight ones dropped).
    public let reducedDemandCount: Int
    /// Candidate sites left after preprocessing (dominated and forced ones removed).
    public let reducedCandidateCount: Int
}

/// Raised when an MCLP cannot be set up: every problem found is listed (``problems``), each with
/// the file and line where there is one, what is wrong and what to do.
public struct MCLPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of a problem.
    public enum Kind: Hashable, Sendable {
        /// A table could not be read at all (absent file, missing column…): the tabular layer's message.
        case unreadableTable
        /// No demand points or no candidate sites.
        case emptyInput
        /// An id repeats among the demand points or among the candidate sites.
        case duplicateID
        /// A value is missing, not a number, negative, NaN or infinite.
        case invalidValue
        /// p, the radius, the time limit, or a forced or excluded site is invalid.
        case invalidParameter
    }

    /// One problem.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public let kind: Kind
        /// The file (last path component), when there is one.
        public let source: String?
        /// The 1-based line in that file, when known.
        public let line: Int?
        /// What is wrong.
        public let message: String
        /// What to do about it; may be empty.
        public let fix: String

        public init(_ kind: Kind, source: String? = nil, line: Int? = nil, _ message: String, fix: String = "") {
            self.kind = kind
            self.source = source
            self.line = line
            self.message = message
            self.fix = fix
        }

        /// `demand.csv, line 7: <message>; <fix>`, leaving out what is not known.
        public var description: String { ProblemText.format(source: source, line: line, message, fix: fix) }
    }

    /// Every problem found, in input order.
    public let problems: [Problem]

    /// An error listing `problems` (at least one).
    public init(_ problems: [Problem]) {
        precondition(!problems.isEmpty, "an MCLPError needs at least one problem")
        self.problems = problems
    }

    /// An error with one problem.
    public init(_ kind: Kind, source: String? = nil, line: Int? = nil, _ message: String, fix: String = "") {
        self.init([Problem(kind, source: source, line: line, message, fix: fix)])
    }

    /// One problem per line (the first 25, then a count of the rest).
    public var description: String {
        var lines = problems.prefix(25).map(\.description)
        if problems.count > 25 { lines.append("… and \(problems.count - 25) more problems of the same kinds") }
        return lines.joined(separator: "\n")
    }
}

/// Collects problems while checking, then throws them together.
struct MCLPProblems {
    private(set) var items: [MCLPError.Problem] = []

    mutating func add(_ kind: MCLPError.Kind, source: String? = nil, line: Int? = nil, _ message: String, fix: String = "") {
        items.append(MCLPError.Problem(kind, source: source, line: line, message, fix: fix))
    }

    func throwIfAny() throws(MCLPError) {
        if !items.isEmpty { throw MCLPError(items) }
    }
}
