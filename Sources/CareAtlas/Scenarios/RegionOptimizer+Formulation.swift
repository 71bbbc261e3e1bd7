import CareSolver

/// What a solve of the reduced instance found, in local indices.
struct RegionResult: Sendable {
    var selected: [Int]
    var bound: Double
    var optimal: Bool
    var method: String
}

/// Node-separator cuts in the order found, without duplicates.
struct SeparatorCutPool: Sendable {
    private(set) var cuts: [SeparatorCut] = []
    private var seen: Set<SeparatorCut> = []

    /// Adds the cuts not yet in the pool; returns how many were new.
    @discardableResult
    mutating func add(_ new: [SeparatorCut]) -> Int {
        var added = 0
        for cut in new where seen.insert(cut).inserted {
            cuts.append(cut)
            added += 1
        }
        return added
    }
}

extension RegionInstance {
    static let exactMethod = "cbc branch-and-cut (single-commodity flow + neighbourhood cuts)"
    static let knapsackMethod = "cbc branch-and-cut (0/1 knapsack)"
    static let heuristicMethod = "greedy + local search"
    static let cutBoundName = "LP relaxation with node-separator cuts"
    static let neighbourhoodBoundName = "LP relaxation with neighbourhood cuts"
    static let knapsackBoundName = "knapsack bound ignoring connectivity"

    /// Solves the reduced instance within `deadline`: the trivial case, the heuristic incumbent and
    /// the knapsack bound, the LP relaxation (with the full node-separator cut loop on the heuristic
    /// path), then CBC on the flow model started from the incumbent.
    ///
    /// Time spent waiting for the process-wide CBC lock does not count: the deadline moves by it.
    func solve(_ options: RegionOptimizer.Options, deadline: ContinuousClock.Instant) throws(RegionOptimizerError)
        -> RegionResult
    {
        let clock = ContinuousClock()
        var deadline = deadline
        func remaining() -> Double { max(RegionOptimizer.seconds(deadline - clock.now), 0) }

        let everything = Array(0..<count)
        if fits(cost(of: everything)) {
            return RegionResult(
                selected: tidy(everything), bound: weight(of: everything), optimal: true,
                method: "preprocessing (every area within reach fits the budgets)")
        }

        // A unique optimum of the connected-set search is the region any exact method returns;
        // ties, searches over the node limit and instances it does not take go on to CBC.
        if options.method == .automatic, options.enumerationNodeLimit > 0,
            let found = enumerateOptimum(nodeLimit: options.enumerationNodeLimit, deadline: deadline), found.optimalRegions == 1, isFeasible(found.region)
        {
            let region = tidy(found.region)
            return RegionResult(selected: region, bound: weight(of: region), optimal: true, method: Self.enumerationMethod)
        }

        let heuristic = heuristicRegion().flatMap { isFeasible($0) ? tidy($0) : nil }
        let heuristicValue = heuristic.map(weight(of:)) ?? -.infinity
        var bound = knapsackBound()
        var boundName = Self.knapsackBoundName
        func proves(_ value: Double) -> Bool { value >= bound - 1e-9 * max(1, abs(bound)) }
        func provenHeuristic() -> RegionResult? {
            guard let heuristic, proves(heuristicValue) else { return nil }
            return RegionResult(selected: heuristic, bound: heuristicValue, optimal: true, method: "\(Self.heuristicMethod); proven optimal by the \(boundName)")
        }
        if let result = provenHeuristic() { return result }

        // The LP relaxation: with the neighbourhood cuts only before the MIP (separated cuts made
        // CBC slower in every measurement), with the full cut loop when it gives the bound itself.
        var pool = SeparatorCutPool()
        if connected {
            pool.add(neighbourhoodCuts())
            let rounds = options.method == .heuristicOnly ? options.boundCutRounds : 0
            var loopPool = pool
            let (lp, waited) = cutLoop(&loopPool, maximumRounds: rounds, deadline: deadline)
            deadline += .seconds(waited)
            if let lp {
                if lp.bound < bound {
                    bound = lp.bound
                    boundName = rounds > 0 ? Self.cutBoundName : Self.neighbourhoodBoundName
                }
                if let region = integralRegion(lp.values) {
                    return RegionResult(selected: tidy(region), bound: weight(of: region), optimal: true, method: "\(boundName) (integral optimum)")
                }
            }
        }
        if let result = provenHeuristic() { return result }

        if options.method == .heuristicOnly {
            guard let heuristic else {
                throw RegionOptimizerError(.infeasible, "the heuristic found no region that connects the required nodes within the budgets")
            }
            return RegionResult(selected: heuristic, bound: bound, optimal: false, method: "\(Self.heuristicMethod); bound: \(boundName)")
        }

        let exactName = connected ? Self.exactMethod : Self.knapsackMethod
        var ilp = ILPOptions()
        ilp.timeLimitSeconds = remaining()
        if let heuristic { ilp.start = startValues(heuristic) }
        let solution: ILPSolution
        do {
            solution = try ILPSolver.solve(integerProgram(pool), options: ilp)
        } catch .infeasible(let status) {
            throw RegionOptimizerError(
                .infeasible, "no region holds the root and every required node within the budgets" + (connected ? " and is connected" : "")
                    + " (\(status))", fix: "raise the budgets or require fewer nodes")
        } catch .libraryNotLoaded(let message) {
            // Not a solver failure to work around: the solver is missing.
            throw RegionOptimizerError(.solverFailure, message)
        } catch {
            guard let heuristic else { throw RegionOptimizerError(.solverFailure, error.description) }
            return RegionResult(selected: heuristic, bound: bound, optimal: false, method: "\(Self.heuristicMethod) (\(error.description)); bound: \(boundName)")
        }

        let found = solution.values.map { values in (0..<count).filter { values[$0] > 0.5 } }.flatMap { isFeasible($0) ? tidy($0) : nil }
        if solution.outcome == .optimal, let found {
            return RegionResult(selected: found, bound: weight(of: found), optimal: true, method: exactName)
        }
        // Stopped on the time limit (or CBC's optimum failed the check): the best region and the
        // lowest proven bound.
        if solution.bound < bound {
            bound = solution.bound
            boundName = "cbc"
        }
        let stopped = solution.outcome == .optimal ? "cbc's optimum failed the feasibility check" : "cbc stopped at the time limit"
        if let found, weight(of: found) > heuristicValue {
            return RegionResult(selected: found, bound: bound, optimal: proves(weight(of: found)), method: "\(exactName), \(stopped); bound: \(boundName)")
        }
        guard let heuristic else {
            throw RegionOptimizerError(
                .solverFailure, "no region found within the time limit (\(solution.status)); the best bound is \(bound)",
                fix: "raise the time limit")
        }
        return RegionResult(
            selected: heuristic, bound: bound, optimal: proves(heuristicValue),
            method: "\(Self.heuristicMethod) (\(stopped)); bound: \(boundName)")
    }

    func weight(of region: [Int]) -> Double { region.reduce(0.0) { $0 + weights[$1] } }

    /// Whether `region` holds every fixed node, keeps every budget and (in connected mode) is connected.
    func isFeasible(_ region: [Int]) -> Bool {
        var inside = [Bool](repeating: false, count: count)
        for v in region { inside[v] = true }
        guard (0..<count).allSatisfy({ !fixed[$0] || inside[$0] }), fits(cost(of: region)) else { return false }
        guard connected else { return true }
        let reached = Self.reach(from: [root], adjacency: adjacency, alive: inside)
        return region.allSatisfy { reached[$0] }
    }

    /// `region` without the non-fixed zero-weight nodes it does not need (highest index first, each
    /// dropped when the rest stays connected; in knapsack mode all of them), ascending. The
    /// objective does not change and the region stays feasible.
    func tidy(_ region: [Int]) -> [Int] {
        var inside = [Bool](repeating: false, count: count)
        for v in region { inside[v] = true }
        for v in region.sorted(by: >) where !fixed[v] && weights[v] == 0 {
            inside[v] = false
            guard connected else { continue }
            let reached = Self.reach(from: [root], adjacency: adjacency, alive: inside)
            if (0..<count).contains(where: { inside[$0] && !reached[$0] }) { inside[v] = true }
        }
        return (0..<count).filter { inside[$0] }
    }

    /// The region of an LP point when it is integral and feasible.
    func integralRegion(_ y: [Double]) -> [Int]? {
        guard y.allSatisfy({ abs($0 - $0.rounded()) <= 1e-7 }) else { return nil }
        let region = (0..<count).filter { y[$0] > 0.5 }
        return isFeasible(region) ? region : nil
    }

    // MARK: - Cutting planes on the LP relaxation

    /// Solves the LP relaxation with the pool's cuts, adds the violated node-separator cuts, and
    /// repeats until none is violated, the bound improves by less than 1e-6 (relative) over five
    /// rounds, `maximumRounds` rounds were added, or the deadline passes. Returns the lowest LP bound
    /// with its point (nil when no LP was solved) and the seconds spent waiting for the CBC lock.
    func cutLoop(_ pool: inout SeparatorCutPool, maximumRounds: Int, deadline: ContinuousClock.Instant)
        -> (lp: (bound: Double, values: [Double])?, waited: Double)
    {
        var best: (bound: Double, values: [Double])? = nil
        var history: [Double] = []
        var waited = 0.0
        for round in 0...maximumRounds {
            guard round == 0 || ContinuousClock().now < deadline + .seconds(waited) else { break }
            guard let lp = try? ILPSolver.solve(baseProgram(pool, integer: false)), let values = lp.values,
                let value = lp.objective
            else { break }
            waited += lp.waitedSeconds
            if best == nil || value < best!.bound { best = (value, values) }
            history.append(value)
            if history.count > 5, history[history.count - 6] - value <= 1e-6 * max(1, abs(value)) { break }
            guard round < maximumRounds else { break }
            if pool.add(separate(values)) == 0 { break }
        }
        return (best, waited)
    }

    // MARK: - Models

    /// y columns (one per node, fixed nodes at 1), the budget rows, and the cut rows
    /// y_k − Σ_N y_j ≤ 0. A budget with integral costs and limit keeps its units (an integer point
    /// over the limit is then over by at least 1, far beyond CBC's tolerance); any other is scaled
    /// to Σ (c_kv / B_k) y_v ≤ 1.
    func baseProgram(_ pool: SeparatorCutPool, integer: Bool) -> LinearProgram {
        var program = LinearProgram(sense: .maximize)
        for v in 0..<count {
            let j = program.addColumn(lower: fixed[v] ? 1 : 0, upper: 1, objective: weights[v], isInteger: integer)
            precondition(j == v)
        }
        for k in budgets.indices where budgets[k] > 0 {
            let integral = ([budgets[k]] + costs[k]).allSatisfy { $0 == $0.rounded() && $0 <= 1e12 }
            let scale = integral ? 1 : 1 / budgets[k]
            program.addRow((0..<count).map { ($0, costs[k][$0] * scale) }, upper: budgets[k] * scale)
        }
        for cut in pool.cuts {
            program.addRow([(cut.node, 1.0)] + cut.separator.map { ($0, -1.0) }, upper: 0)
        }
        return program
    }

    /// The MIP solved by CBC: the base program with binary y and, in connected mode, the
    /// single-commodity flow from C (one unit absorbed per selected node outside C, in-flow at most
    /// M y_v), so that every integer point is connected.
    func integerProgram(_ pool: SeparatorCutPool) -> LinearProgram {
        var program = baseProgram(pool, integer: true)
        guard connected else { return program }
        let bigM = subtreeBounds()
        let arcs = flowArcs()
        let first = program.columnCount
        for arc in arcs { program.addColumn(lower: 0, upper: bigM[arc.head], objective: 0) }
        var into = [[Int]](repeating: [], count: count)
        var out = [[Int]](repeating: [], count: count)
        for (a, arc) in arcs.enumerated() {
            into[arc.head].append(first + a)
            out[arc.tail].append(first + a)
        }
        for v in 0..<count where !source[v] {
            // Σ in − Σ out − y_v = 0
            program.addRow(into[v].map { ($0, 1.0) } + out[v].map { ($0, -1.0) } + [(v, -1.0)], lower: 0, upper: 0)
            // Σ in − M_v y_v ≤ 0
            program.addRow(into[v].map { ($0, 1.0) } + [(v, -bigM[v])], upper: 0)
        }
        return program
    }

    /// The arcs (u, v) of the flow model: both directions of each edge, except those into C.
    func flowArcs() -> [(tail: Int, head: Int)] {
        var arcs: [(tail: Int, head: Int)] = []
        for u in 0..<count {
            for v in adjacency[u] where !source[v] && !(source[u] && source[v]) { arcs.append((u, v)) }
        }
        return arcs
    }

    /// For each node v outside C, the most nodes its flow subtree can hold (the in-flow bound
    /// M_v): at most the M nodes outside C that fit any region, less the hop(v) − 1 nodes before v
    /// on a path from C; and, for each budget, at most as many of the cheapest nodes outside C as
    /// fit in what C and the cheapest path to v (v excluded) leave.
    func subtreeBounds() -> [Double] {
        let outside = (0..<count).filter { !source[$0] }
        let sourceCost = budgets.indices.map { k in (0..<count).filter { source[$0] }.reduce(0.0) { $0 + costs[k][$1] } }
        let sortedCosts = budgets.indices.map { k in outside.map { costs[k][$0] }.sorted() }
        /// How many of the cheapest nodes outside C fit in `room` under budget k.
        func fitting(_ k: Int, _ room: Double) -> Int {
            var left = room + tolerance(k)
            var n = 0
            for c in sortedCosts[k] {
                guard c <= left else { break }
                left -= c
                n += 1
            }
            return n
        }
        var total = outside.count
        for k in budgets.indices { total = min(total, fitting(k, budgets[k] - sourceCost[k])) }
        let everywhere = [Bool](repeating: true, count: count)
        let hops = Self.distances(from: source, cost: [Double](repeating: 1, count: count), adjacency: adjacency, alive: everywhere)
        var bounds = (0..<count).map { v in source[v] ? 0 : Double(total) - hops[v] + 1 }
        for k in budgets.indices {
            let d = Self.distances(from: source, cost: costs[k], adjacency: adjacency, alive: everywhere)
            for v in 0..<count where !source[v] {
                bounds[v] = min(bounds[v], Double(fitting(k, budgets[k] - sourceCost[k] - (d[v] - costs[k][v]))))
            }
        }
        return bounds.map { max($0, 1) }
    }

    /// The MIP start of a feasible region: its y values and, in connected mode, the flow along a
    /// breadth-first tree from C (each tree arc carries the size of the subtree below it).
    func startValues(_ region: [Int]) -> [(column: Int, value: Double)] {
        var inside = [Bool](repeating: false, count: count)
        for v in region { inside[v] = true }
        var start = (0..<count).map { (column: $0, value: inside[$0] ? 1.0 : 0.0) }
        guard connected else { return start }
        let arcs = flowArcs()
        var arcIndex: [Int: Int] = [:]
        for (a, arc) in arcs.enumerated() { arcIndex[arc.tail * count + arc.head] = count + a }
        var parent = [Int](repeating: -1, count: count)
        var seen = source
        var order = (0..<count).filter { source[$0] }
        var i = 0
        while i < order.count {
            let u = order[i]
            i += 1
            for v in adjacency[u] where inside[v] && !seen[v] {
                seen[v] = true
                parent[v] = u
                order.append(v)
            }
        }
        var subtree = [Double](repeating: 0, count: count)
        var flow = [Double](repeating: 0, count: arcs.count)
        for v in order.reversed() where !source[v] {
            subtree[v] += 1
            let p = parent[v]
            if let column = arcIndex[p * count + v] { flow[column - count] = subtree[v] }
            subtree[p] += subtree[v]
        }
        start += flow.enumerated().map { (column: count + $0.offset, value: $0.element) }
        return start
    }
}
