import Foundation

/// One instance of the best-connected-region problem: choose a set of areas that contains the
/// anchor's area (``root``), is connected over the adjacency graph, keeps every budget, and covers
/// as many patients as possible.
///
/// Nodes are areas `0 ..< weights.count` (municipalities, census small areas…); the caller keeps the
/// mapping to area codes. Every budget `k` gives each node a non-negative cost `costs[k][i]` (the
/// institutions in the area, its population, or 1 to count areas) and a limit `budgets[k]`.
public struct RegionProblem: Sendable, Hashable {
    /// Patients (or any non-negative benefit) per node.
    public var weights: [Double]
    /// `costs[k][i]`: the cost of node `i` under budget `k` (≥ 0); one row per budget.
    public var costs: [[Double]]
    /// The limit of each budget (≥ 0; `.infinity` for none).
    public var budgets: [Double]
    /// Symmetric neighbour lists (rook adjacency: areas sharing a boundary of positive length).
    public var adjacency: [[Int]]
    /// The node that must be selected (the anchor's area).
    public var root: Int
    /// `true` (the default): the selection must be connected. `false`: a plain multi-dimensional
    /// 0/1 knapsack (root, required and forbidden still apply).
    public var connected: Bool
    /// Nodes that must be selected (e.g. the previous stage, for nested stages).
    public var required: [Int]
    /// Nodes that must not be selected.
    public var forbidden: [Int]

    public init(
        weights: [Double], costs: [[Double]], budgets: [Double], adjacency: [[Int]], root: Int, connected: Bool = true,
        required: [Int] = [], forbidden: [Int] = []
    ) {
        self.weights = weights
        self.costs = costs
        self.budgets = budgets
        self.adjacency = adjacency
        self.root = root
        self.connected = connected
        self.required = required
        self.forbidden = forbidden
    }
}

/// The region chosen by ``RegionOptimizer/solve(_:timeLimitSeconds:)`` with its proof status.
///
/// Equality and hashing ignore ``seconds`` (the measured time), so that two runs of the same problem
/// compare equal.
public struct RegionSolution: Sendable, Hashable, CustomStringConvertible {
    /// The selected nodes, ascending. Always connected (when the problem asks for it), within every
    /// budget, with the root and every required node and no forbidden node.
    public let selected: [Int]
    /// Σ weights of ``selected``.
    public let objective: Double
    /// A proven upper bound on the optimum; equal to ``objective`` when ``optimal``.
    public let bound: Double
    /// Whether ``selected`` is proven optimal.
    public let optimal: Bool
    /// How the selection and the bound were obtained, e.g. `"cbc branch-and-cut (single-commodity
    /// flow + neighbourhood cuts)"`, or `"greedy + local search (cbc stopped at the time limit);
    /// bound: cbc"` when the time limit was reached.
    public let method: String
    /// Wall-clock seconds of the solve (not part of equality).
    public let seconds: Double

    /// A solution as the optimiser reports it (public for tests and exports that build one).
    public init(selected: [Int], objective: Double, bound: Double, optimal: Bool, method: String, seconds: Double) {
        self.selected = selected
        self.objective = objective
        self.bound = bound
        self.optimal = optimal
        self.method = method
        self.seconds = seconds
    }

    /// The relative optimality gap (bound − objective) / max(|bound|, 1e-12); 0 when optimal.
    public var gap: Double { optimal ? 0 : max(bound - objective, 0) / max(abs(bound), 1e-12) }

    public var description: String {
        let status = optimal ? "optimal" : "gap \(String(format: "%.2f", gap * 100)) %"
        return "\(selected.count) areas, objective \(objective), bound \(bound), \(status) — \(method)"
    }

    public static func == (a: RegionSolution, b: RegionSolution) -> Bool {
        a.selected == b.selected && a.objective == b.objective && a.bound == b.bound && a.optimal == b.optimal
            && a.method == b.method
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(selected)
        hasher.combine(objective)
        hasher.combine(bound)
        hasher.combine(optimal)
        hasher.combine(method)
    }
}

/// The best connected region: a rooted, budget-constrained maximum-weight connected subgraph.
///
/// Given a graph G = (V, E) of areas with patient weights `w_i ≥ 0`, costs `c_ki ≥ 0` and limits
/// `B_k`, a root `r`, required nodes `R` and forbidden nodes `X`, find
///
///     max Σ_i w_i y_i
///     s.t. Σ_i c_ki y_i ≤ B_k              for every budget k
///          y_r = 1,  y_i = 1 (i ∈ R),  y_i = 0 (i ∈ X)
///          { i : y_i = 1 } induces a connected subgraph of G
///          y ∈ {0, 1}^V
///
/// This is the budget-constrained rooted maximum-weight connected subgraph problem (B-RMWCS), which
/// is NP-hard (Álvarez-Miranda, Ljubić & Mutzel 2013, "The rooted maximum node-weight connected
/// subgraph problem", CPAIOR, LNCS 7874). It is solved exactly by integer programming with CBC.
///
/// **Preprocessing** (keeps at least one optimum): forbidden nodes and nodes outside the root's
/// component are dropped; zero-cost nodes of positive weight adjacent to the fixed set
/// F = {r} ∪ R join F (adding one never hurts); a node `v` is dropped when
/// `c_k(F) + d_k(F, v) > B_k` for some budget, where `d_k(F, v)` is the node-weighted shortest path
/// from F to `v` with the nodes of F free (every feasible region holding `v` holds such a path);
/// zero-weight leaves are dropped repeatedly. When everything left fits every budget, it is the
/// answer.
///
/// **Node-separator cuts.** Let C be the component of the root in the graph induced by F (always
/// selected). For a node `k ∉ C` and a node set N ⊆ V \ (C ∪ {k}) whose removal separates C from
/// `k`, every connected feasible region holding `k` holds a node of N:
///
///     y_k ≤ Σ_{j ∈ N} y_j                                  (generalized node-separator cut)
///
/// (Carvajal, Constantino, Goycoolea, Vielma & Weintraub 2013, "Imposing connectivity constraints
/// in forest planning models", Oper. Res. 61(4); Álvarez-Miranda, Ljubić & Mutzel 2013, "The
/// maximum weight connected subgraph problem", Facets of Combinatorial Optimization.) The
/// neighbourhood cuts N = N(k) are always in the model; the others are separated on an LP point y*
/// by a maximum flow from C to `k` in the node-split graph with capacities `y*_j` (a minimum node
/// cut below `y*_k` is a violated separator).
///
/// **The MIP** solved by CBC holds the budgets, the neighbourhood cuts and a single-commodity flow
/// (Gavish 1983, "Formulations and algorithms for the capacitated minimal directed tree problem",
/// J. ACM 30(1)) that makes every integer point connected, so every solution CBC finds is feasible:
/// with arcs A = {(u, v) : {u, v} ∈ E, v ∉ C} and a flow `f_uv ≥ 0` sent from C, one unit absorbed
/// at each selected node,
///
///     Σ_{(u,v) ∈ A} f_uv − Σ_{(v,u) ∈ A} f_vu = y_v      for v ∉ C
///     Σ_{(u,v) ∈ A} f_uv ≤ M_v y_v,   0 ≤ f_uv ≤ M_v      for v ∉ C
///
/// where M_v bounds the nodes of v's subtree: the most nodes outside C any feasible region holds
/// (the cheapest that fit each budget), less the hop(v) − 1 nodes before v on a path from C, and
/// the most of the cheapest nodes that fit in what C and the cheapest path to v leave. CBC's
/// presolve, cuts and heuristics run on top, started from the heuristic's region. Separated
/// node-separator cuts are not added to the MIP: they tighten its root bound but made CBC slower
/// in every measurement (debug build; a 20 × 20 grid, 40 areas: 0.38 s without, 0.45 s with 10
/// rounds, 2.5 s with 60; 661 census small areas, 20 areas: 1.2 s, 1.8 s, 12 s).
///
/// **Connected-set search first.** When every fixed node lies in C, a branch and bound over the
/// connected supersets of C (branch on the heaviest neighbour that fits: take it or exclude it;
/// bound: the fractional knapsack of the nodes still reachable within what the budgets leave)
/// finds the optimum and counts every region that reaches it. A unique optimum is returned as
/// proven optimal — it is the region every exact method returns. Ties (several optimal regions),
/// searches beyond 2,000 nodes and instances with fixed nodes outside C go on to the heuristic and
/// CBC below, so where regions tie the choice stays CBC's.
///
/// **Heuristic and bounds.** Greedy growth along cheapest paths by patients per normalised cost,
/// then swaps and branch drops that keep connectivity. A heuristic region is proven optimal when it
/// reaches the knapsack bound (Dantzig's fractional knapsack per budget, connectivity ignored) or
/// the LP bound. When the time limit stops CBC, the
/// better of CBC's incumbent and the heuristic's region is returned with `optimal == false` and the
/// lowest proven bound (CBC's, the LP's or the knapsack's); ``RegionSolution/method`` always says
/// where the region and the bound came from. On instances of several hundred census small areas
/// with sparse weights CBC may not close the gap within seconds; the result then states the gap.
///
/// With `connected == false` the problem is the 0/1 multi-dimensional knapsack, solved by CBC
/// directly.
///
/// Deterministic: the same problem gives the same solution (CBC runs single-threaded; every phase
/// stops on counts, not on time, unless the time limit is reached). Thread-safe: ``solve(_:timeLimitSeconds:)``
/// may be called from several threads; the CBC runs themselves are serialised (CBC 2.10 is not
/// re-entrant), and the time waiting for another thread's run does not count towards the limit.
public enum RegionOptimizer {
    /// Solves `problem`, exactly unless the time limit stops the search first.
    ///
    /// - Parameters:
    ///   - problem: the instance; validated up front (every problem is listed).
    ///   - timeLimitSeconds: the wall-clock budget of the whole solve (default 30 s; `.infinity`
    ///     for none), not counting the time spent waiting for another thread's CBC run.
    /// - Throws: ``RegionOptimizerError``: invalid input (`.invalidInput`), an instance without any
    ///   feasible region (`.infeasible`: required nodes above a budget, or that cannot be connected
    ///   to the root), or a solver failure (`.solverFailure`, with CBC's status).
    public static func solve(_ problem: RegionProblem, timeLimitSeconds: Double = 30) throws(RegionOptimizerError)
        -> RegionSolution
    {
        try solve(problem, options: Options(timeLimitSeconds: timeLimitSeconds))
    }

    /// Internal knobs (tests force the heuristic path with them).
    struct Options: Sendable {
        enum Method: Sendable { case automatic, heuristicOnly }
        var timeLimitSeconds: Double = 30
        var method: Method = .automatic
        /// Rounds of the node-separator cutting-plane loop that gives the bound of the heuristic path.
        var boundCutRounds: Int = 60
        /// The most search nodes of the connected-set branch and bound tried before CBC
        /// (``RegionInstance/enumerateOptimum(nodeLimit:deadline:)``); 0: straight to the heuristic
        /// and CBC. The 区中央部 frontier needs at most 69 nodes per budget; an instance the search
        /// cannot settle within the limit costs CBC a few milliseconds (release build).
        var enumerationNodeLimit: Int = 2_000
    }

    static func solve(_ problem: RegionProblem, options: Options) throws(RegionOptimizerError) -> RegionSolution {
        let clock = ContinuousClock()
        let started = clock.now
        try validate(problem, timeLimitSeconds: options.timeLimitSeconds)
        let instance = try RegionInstance(problem)
        let limit = options.timeLimitSeconds.isFinite ? max(options.timeLimitSeconds, 0) : 1e9
        var result = try instance.solve(options, deadline: started + .seconds(limit))
        result.selected = instance.original(result.selected)
        let seconds = seconds(clock.now - started)
        let objective = result.selected.reduce(0.0) { $0 + problem.weights[$1] }
        let bound = result.optimal ? objective : max(result.bound, objective)
        return RegionSolution(
            selected: result.selected, objective: objective, bound: bound, optimal: result.optimal, method: result.method,
            seconds: seconds)
    }
}

extension RegionOptimizer {
    /// A duration in seconds, as a Double.
    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
}
