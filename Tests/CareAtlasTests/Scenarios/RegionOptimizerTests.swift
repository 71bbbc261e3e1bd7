@testable import CareAtlas
import Foundation
import Testing
import TestSupport

/// Rook adjacency of a rows × columns grid, node = row · columns + column.
fileprivate func grid(_ rows: Int, _ columns: Int) -> [[Int]] {
    (0..<rows * columns).map { i in
        let (r, c) = (i / columns, i % columns)
        var list: [Int] = []
        if r > 0 { list.append(i - columns) }
        if c > 0 { list.append(i - 1) }
        if c < columns - 1 { list.append(i + 1) }
        if r < rows - 1 { list.append(i + columns) }
        return list
    }
}

/// A planar-ish random graph: random points in the unit square, each joined to its `k` nearest
/// neighbours (symmetrised); it may be disconnected.
fileprivate func nearestNeighbourGraph(_ n: Int, k: Int, _ rng: inout SplitMix64) -> [[Int]] {
    let points = (0..<n).map { _ in (rng.uniform(), rng.uniform()) }
    var neighbours = [Set<Int>](repeating: [], count: n)
    for i in 0..<n {
        let nearest = (0..<n).filter { $0 != i }.sorted { a, b in
            let da = pow(points[a].0 - points[i].0, 2) + pow(points[a].1 - points[i].1, 2)
            let db = pow(points[b].0 - points[i].0, 2) + pow(points[b].1 - points[i].1, 2)
            return da < db || (da == db && a < b)
        }
        for j in nearest.prefix(k) {
            neighbours[i].insert(j)
            neighbours[j].insert(i)
        }
    }
    return neighbours.map { $0.sorted() }
}

/// The independent reference: every subset of ≤ 20 nodes as a bit mask, connectivity by flood
/// fill over neighbour masks.
fileprivate struct BruteForce {
    let problem: RegionProblem

    func isConnected(_ mask: UInt32) -> Bool {
        var reached: UInt32 = 1 << UInt32(problem.root)
        var frontier = reached
        let masks = problem.adjacency.map { $0.reduce(UInt32(0)) { $0 | (1 << UInt32($1)) } }
        while frontier != 0 {
            var next: UInt32 = 0
            var f = frontier
            while f != 0 {
                let i = f.trailingZeroBitCount
                f &= f - 1
                next |= masks[i]
            }
            next &= mask & ~reached
            reached |= next
            frontier = next
        }
        return reached == mask
    }

    /// The optimum objective (nil when infeasible).
    func optimum() -> Double? {
        let n = problem.weights.count
        precondition(n <= 20)
        let required = problem.required.reduce(UInt32(1) << UInt32(problem.root)) { $0 | (1 << UInt32($1)) }
        let forbidden = problem.forbidden.reduce(UInt32(0)) { $0 | (1 << UInt32($1)) }
        var best: Double? = nil
        for mask in UInt32(0)..<(UInt32(1) << UInt32(n)) where mask & required == required && mask & forbidden == 0 {
            var ok = true
            for k in problem.budgets.indices {
                var c = 0.0
                for i in 0..<n where mask & (1 << UInt32(i)) != 0 { c += problem.costs[k][i] }
                if c > problem.budgets[k] + 1e-9 { ok = false; break }
            }
            guard ok, !problem.connected || isConnected(mask) else { continue }
            var w = 0.0
            for i in 0..<n where mask & (1 << UInt32(i)) != 0 { w += problem.weights[i] }
            if best == nil || w > best! { best = w }
        }
        return best
    }
}

/// Checks that `solution` is a feasible region of `problem` whose objective is its weight.
fileprivate func expectFeasible(_ solution: RegionSolution, _ problem: RegionProblem, sourceLocation: SourceLocation = #_sourceLocation) {
    let selected = Set(solution.selected)
    #expect(solution.selected == solution.selected.sorted(), sourceLocation: sourceLocation)
    #expect(selected.contains(problem.root), sourceLocation: sourceLocation)
    #expect(Set(problem.required).isSubset(of: selected), sourceLocation: sourceLocation)
    #expect(selected.isDisjoint(with: problem.forbidden), sourceLocation: sourceLocation)
    for k in problem.budgets.indices {
        let c = solution.selected.reduce(0.0) { $0 + problem.costs[k][$1] }
        #expect(c <= problem.budgets[k] + 1e-9, "budget \(k): \(c) > \(problem.budgets[k])", sourceLocation: sourceLocation)
    }
    #expect(solution.objective == solution.selected.reduce(0.0) { $0 + problem.weights[$1] }, sourceLocation: sourceLocation)
    #expect(solution.bound >= solution.objective, sourceLocation: sourceLocation)
    if problem.connected {
        var reached: Set<Int> = [problem.root]
        var stack = [problem.root]
        while let u = stack.popLast() {
            for v in problem.adjacency[u] where selected.contains(v) && reached.insert(v).inserted { stack.append(v) }
        }
        #expect(reached == selected, "the region is not connected", sourceLocation: sourceLocation)
    }
}

/// Random small instances: weights 0…20 (a quarter zero), one to three budgets among area count,
/// random integer costs 0…5 and random integer costs 1…9; several budget levels each.
fileprivate func randomInstances(seed: UInt64, graphs: [[[Int]]], connected: Bool = true) -> [RegionProblem] {
    var rng = SplitMix64(state: seed)
    var problems: [RegionProblem] = []
    for adjacency in graphs {
        let n = adjacency.count
        let weights = (0..<n).map { _ in rng.int(0...3) == 0 ? 0.0 : Double(rng.int(1...20)) }
        let counts = [Double](repeating: 1, count: n)
        let small = (0..<n).map { _ in Double(rng.int(0...5)) }
        let large = (0..<n).map { _ in Double(rng.int(1...9)) }
        let root = rng.int(0...(n - 1))
        for level in [0.15, 0.3, 0.5, 0.8] {
            let choice = rng.int(0...3)
            var costs: [[Double]]
            var budgets: [Double]
            switch choice {
            case 0: (costs, budgets) = ([counts], [(Double(n) * level).rounded()])
            case 1: (costs, budgets) = ([small], [(small.reduce(0, +) * level).rounded()])
            case 2: (costs, budgets) = ([large], [(large.reduce(0, +) * level).rounded()])
            default:
                (costs, budgets) = ([counts, small], [(Double(n) * level).rounded() + 1, (small.reduce(0, +) * level).rounded()])
            }
            for k in budgets.indices { budgets[k] = max(budgets[k], costs[k][root]) }
            problems.append(RegionProblem(weights: weights, costs: costs, budgets: budgets, adjacency: adjacency, root: root, connected: connected))
        }
    }
    return problems
}

@Suite("RegionOptimizer")
struct RegionOptimizerTests {
    // MARK: - Brute force

    @Test("grids 3×3, 4×4 and 3×5: the optimum of brute force, proven optimal")
    func gridsAgainstBruteForce() throws {
        let graphs = [grid(3, 3), grid(3, 3), grid(4, 4), grid(4, 4), grid(4, 4), grid(3, 5), grid(3, 5)]
        for (index, problem) in randomInstances(seed: 11, graphs: graphs).enumerated() {
            let solution = try RegionOptimizer.solve(problem)
            let expected = try #require(BruteForce(problem: problem).optimum())
            #expect(solution.objective == expected, "instance \(index): \(solution)")
            #expect(solution.optimal, "instance \(index)")
            #expect(solution.bound == solution.objective && solution.gap == 0)
            expectFeasible(solution, problem)
        }
    }

    @Test("random planar-ish graphs of 10–16 nodes (some disconnected): the optimum of brute force")
    func randomGraphsAgainstBruteForce() throws {
        var rng = SplitMix64(state: 2024)
        let graphs = (0..<12).map { i in nearestNeighbourGraph(10 + i % 7, k: 2 + i % 2, &rng) }
        for (index, problem) in randomInstances(seed: 7, graphs: graphs).enumerated() {
            let solution = try RegionOptimizer.solve(problem)
            let expected = try #require(BruteForce(problem: problem).optimum())
            #expect(solution.objective == expected, "instance \(index): \(solution)")
            #expect(solution.optimal, "instance \(index)")
            expectFeasible(solution, problem)
        }
    }

    // MARK: - The demo region

    /// 架空市: the 3 × 3 wards of geodata/demo (99101 桜 … 99109 藤, row by row from the north-west),
    /// patients per ward as in make_demo.py (consultations + PCU admissions), root 松区 (centre).
    static let demoWards = ["桜", "楓", "欅", "柳", "松", "竹", "梅", "椿", "藤"]
    static let demoPatients: [Double] = [8, 15, 6, 30, 40, 20, 5, 12, 4]

    static func demoProblem(maxAreas k: Int) -> RegionProblem {
        RegionProblem(weights: demoPatients, costs: [[Double](repeating: 1, count: 9)], budgets: [Double(k)], adjacency: grid(3, 3), root: 4)
    }

    @Test("demo wards, at most K = 1…9 areas: the hand-checked optimum, equal to brute force", arguments: 1...9)
    func demoRegion(k: Int) throws {
        let expected: [Int: (Double, [String])] = [
            1: (40, ["松"]), 2: (70, ["柳", "松"]), 3: (90, ["柳", "松", "竹"]), 4: (105, ["楓", "柳", "松", "竹"]),
            5: (117, ["楓", "柳", "松", "竹", "椿"]), 6: (125, ["桜", "楓", "柳", "松", "竹", "椿"]),
            7: (131, ["桜", "楓", "欅", "柳", "松", "竹", "椿"]), 8: (136, ["桜", "楓", "欅", "柳", "松", "竹", "梅", "椿"]),
            9: (140, Self.demoWards),
        ]
        let problem = Self.demoProblem(maxAreas: k)
        let solution = try RegionOptimizer.solve(problem)
        #expect(solution.objective == expected[k]!.0)
        #expect(solution.objective == BruteForce(problem: problem).optimum())
        #expect(solution.selected.map { Self.demoWards[$0] } == expected[k]!.1)
        #expect(solution.optimal)
        expectFeasible(solution, problem)
    }

    // MARK: - Required, forbidden, knapsack

    @Test("required and forbidden nodes: the optimum of brute force with the same constraints")
    func requiredAndForbidden() throws {
        var rng = SplitMix64(state: 99)
        let graphs = [grid(4, 4), grid(3, 5), grid(4, 4)]
        var checked = 0
        for problem in randomInstances(seed: 5, graphs: graphs) {
            var p = problem
            let n = p.weights.count
            p.forbidden = (0..<2).map { _ in rng.int(0...(n - 1)) }.filter { $0 != p.root }
            p.required = [rng.int(0...(n - 1))].filter { !p.forbidden.contains($0) }
            // Loose enough budgets that most instances stay feasible.
            p.budgets = p.budgets.map { $0 * 1.5 + 2 }
            let expected = BruteForce(problem: p).optimum()
            if let expected {
                let solution = try RegionOptimizer.solve(p)
                #expect(solution.objective == expected, "\(p.required) \(p.forbidden): \(solution)")
                #expect(solution.optimal)
                expectFeasible(solution, p)
                checked += 1
            } else {
                let error = #expect(throws: RegionOptimizerError.self) { try RegionOptimizer.solve(p) }
                #expect(error?.problems.first?.kind == .infeasible)
            }
        }
        #expect(checked >= 6)
    }

    @Test("nested stages: the region of K = 3 required, K = 5 gives the best superset")
    func nestedStages() throws {
        let stage1 = try RegionOptimizer.solve(Self.demoProblem(maxAreas: 3))
        var problem = Self.demoProblem(maxAreas: 5)
        problem.required = stage1.selected
        let stage2 = try RegionOptimizer.solve(problem)
        #expect(Set(stage1.selected).isSubset(of: stage2.selected))
        #expect(stage2.objective == BruteForce(problem: problem).optimum())
        // Forbidding 柳 (30) forces a different first stage.
        var without = Self.demoProblem(maxAreas: 3)
        without.forbidden = [3]
        let alternative = try RegionOptimizer.solve(without)
        #expect(alternative.selected.map { Self.demoWards[$0] } == ["楓", "松", "竹"])
        #expect(alternative.objective == 75)
    }

    @Test("a required node cut off by forbidden nodes is a clear infeasibility error")
    func disconnectedRequired() throws {
        // 藤 (8) in the south-east corner, its neighbours 竹 (5) and 椿 (7) forbidden.
        var problem = Self.demoProblem(maxAreas: 9)
        problem.required = [8]
        problem.forbidden = [5, 7]
        let error = #expect(throws: RegionOptimizerError.self) { try RegionOptimizer.solve(problem) }
        #expect(error?.problems.map(\.kind) == [.infeasible])
        #expect(error?.description.contains("required node 8 cannot be connected to the root 4") == true)

        // Reachable, but only through more areas than the budget allows: 藤 needs 松, 竹 or 椿, 藤.
        var far = Self.demoProblem(maxAreas: 2)
        far.required = [8]
        let tooFar = #expect(throws: RegionOptimizerError.self) { try RegionOptimizer.solve(far) }
        #expect(tooFar?.problems.first?.kind == .infeasible)

        // The required nodes alone exceed the budget.
        var heavy = Self.demoProblem(maxAreas: 2)
        heavy.required = [0, 8]
        let over = #expect(throws: RegionOptimizerError.self) { try RegionOptimizer.solve(heavy) }
        #expect(over?.description.contains("alone cost 3.0 under budget 0, above its limit 2.0") == true)
    }

    @Test("required nodes that fit alone but cannot be joined within the budget: infeasible, proven by CBC")
    func requiredNotJoinable() throws {
        // 桜 (NW) and 藤 (SE) with the root 松 need 5 wards; 4 allowed. Each corner alone is one
        // ward away from the fixed set, so preprocessing keeps the connectors and CBC decides.
        var problem = Self.demoProblem(maxAreas: 4)
        problem.required = [0, 8]
        let error = #expect(throws: RegionOptimizerError.self) { try RegionOptimizer.solve(problem) }
        #expect(error?.problems.map(\.kind) == [.infeasible])
        #expect(error?.description.hasPrefix("no region holds the root and every required node within the budgets and is connected") == true)
        problem.budgets = [5]
        let solution = try RegionOptimizer.solve(problem)
        #expect(solution.objective == BruteForce(problem: problem).optimum() && solution.optimal)
    }

    @Test("concurrent solves give the serial results (CBC runs are serialised)")
    func concurrent() async throws {
        let problems = (1...6).map { Self.demoProblem(maxAreas: $0 + 2) } + [Self.largeGrid()]
        let serial = try problems.map { try RegionOptimizer.solve($0) }
        let parallel = try await withThrowingTaskGroup(of: (Int, RegionSolution).self) { group in
            for (i, p) in problems.enumerated() { group.addTask { (i, try RegionOptimizer.solve(p)) } }
            var results = [RegionSolution?](repeating: nil, count: problems.count)
            for try await (i, s) in group { results[i] = s }
            return results.compactMap { $0 }
        }
        #expect(parallel == serial)
    }

    @Test("a time limit of zero: a feasible region, a valid bound, and a method that says so")
    func zeroTimeLimit() throws {
        let problem = Self.largeGrid()
        let solution = try RegionOptimizer.solve(problem, timeLimitSeconds: 0)
        expectFeasible(solution, problem)
        if !solution.optimal {
            #expect(solution.method.contains("time limit"))
            #expect(solution.gap > 0)
        }
        let exact = try RegionOptimizer.solve(problem)
        #expect(exact.optimal)
        #expect(solution.bound >= exact.objective - 1e-9 && solution.objective <= exact.objective)
        print("RegionOptimizer 20×20 grid, limit 0 → \(solution); default → \(exact.objective)")
    }

    @Test("connected: false is the 0/1 knapsack of brute force")
    func knapsack() throws {
        let graphs = [grid(4, 4), grid(3, 5), grid(4, 4), grid(3, 3)]
        for (index, problem) in randomInstances(seed: 31, graphs: graphs, connected: false).enumerated() {
            let solution = try RegionOptimizer.solve(problem)
            #expect(solution.objective == BruteForce(problem: problem).optimum(), "instance \(index): \(solution)")
            #expect(solution.optimal)
            expectFeasible(solution, problem)
        }
        // The demo without connectivity, 3 areas: 松 40, 柳 30, 竹 20 are also the three heaviest.
        var demo = Self.demoProblem(maxAreas: 3)
        demo.connected = false
        demo.forbidden = [5]
        let solution = try RegionOptimizer.solve(demo)
        #expect(solution.selected.map { Self.demoWards[$0] } == ["楓", "柳", "松"])
    }

    // MARK: - Validation

    @Test("invalid input lists every problem")
    func invalidInput() throws {
        let problem = RegionProblem(
            weights: [1, -2, .nan], costs: [[1, 1], [1, 1, -1]], budgets: [2], adjacency: [[1], [2], [1, 5]], root: 3,
            required: [7], forbidden: [3])
        let error = #expect(throws: RegionOptimizerError.self) { try RegionOptimizer.solve(problem) }
        let messages = error?.problems.map(\.message) ?? []
        #expect(error?.problems.allSatisfy { $0.kind == .invalidInput } == true)
        #expect(messages == [
            "weights[1] must be a finite number ≥ 0, got -2.0",
            "weights[2] must be a finite number ≥ 0, got nan",
            "costs has 2 rows but budgets has 1 limits",
            "costs[0] has 2 values for 3 nodes",
            "costs[1][2] must be a finite number ≥ 0, got -1.0",
            "adjacency[2] names node 5, outside 0..<3",
            "adjacency is not symmetric: 1 is a neighbour of 0 but 0 is not a neighbour of 1",
            "root 3 is outside 0..<3",
            "required node 7 is outside 0..<3",
            "forbidden node 3 is outside 0..<3",
            "the root 3 is forbidden",
        ])
        let empty = #expect(throws: RegionOptimizerError.self) {
            try RegionOptimizer.solve(RegionProblem(weights: [], costs: [], budgets: [], adjacency: [], root: 0))
        }
        #expect(empty?.problems.first?.message == "the problem has no nodes (weights is empty)")
        let both = #expect(throws: RegionOptimizerError.self) {
            var p = Self.demoProblem(maxAreas: 3)
            p.required = [1]
            p.forbidden = [1]
            _ = try RegionOptimizer.solve(p, timeLimitSeconds: -1)
        }
        #expect(both?.problems.map(\.message) == ["timeLimitSeconds must be ≥ 0, got -1.0", "node 1 is both required and forbidden"])
    }

    @Test("degenerate budgets: no budget, zero budget, infinite budget")
    func degenerateBudgets() throws {
        var problem = Self.demoProblem(maxAreas: 9)
        problem.costs = []
        problem.budgets = []
        let all = try RegionOptimizer.solve(problem)
        #expect(all.selected == Array(0..<9) && all.objective == 140 && all.optimal)
        problem.costs = [[Double](repeating: 1, count: 9)]
        problem.budgets = [.infinity]
        #expect(try RegionOptimizer.solve(problem).objective == 140)
        problem.budgets = [1]
        #expect(try RegionOptimizer.solve(problem, timeLimitSeconds: .infinity).selected == [4])
        // Zero budget, zero-cost areas: the zero-cost component around the root, zero-weight leaves dropped.
        problem.costs = [[1, 0, 1, 0, 0, 1, 0, 0, 1]]
        problem.budgets = [0]
        problem.weights = [8, 15, 6, 30, 40, 20, 5, 0, 4]
        let free = try RegionOptimizer.solve(problem)
        #expect(free.selected == [1, 3, 4, 6] && free.objective == 90 && free.optimal)
    }

    // MARK: - Larger instances

    /// A 20 × 20 grid (400 nodes, 760 edges) with skewed patient weights (a few hot spots, many
    /// small counts), the root near the centre, at most 40 areas and a population budget.
    static func largeGrid() -> RegionProblem {
        var rng = SplitMix64(state: 400)
        let n = 400
        let hot = (0..<6).map { _ in (Double(rng.int(0...19)), Double(rng.int(0...19))) }
        let weights = (0..<n).map { i -> Double in
            let (r, c) = (Double(i / 20), Double(i % 20))
            let heat = hot.reduce(0.0) { $0 + 30 * exp(-(pow(r - $1.0, 2) + pow(c - $1.1, 2)) / 8) }
            return (heat + Double(rng.int(0...6))).rounded()
        }
        let population = (0..<n).map { _ in Double(rng.int(5...30)) * 1000 }
        return RegionProblem(
            weights: weights, costs: [[Double](repeating: 1, count: n), population], budgets: [40, 600_000],
            adjacency: grid(20, 20), root: 210)
    }

    @Test("a 20 × 20 grid solves to optimality within the default time limit, at least as good as the heuristic")
    func largeGridOptimal() throws {
        let problem = Self.largeGrid()
        let solution = try RegionOptimizer.solve(problem)
        let heuristic = try RegionOptimizer.solve(problem, options: .init(method: .heuristicOnly))
        print("RegionOptimizer 20×20 grid: \(solution.selected.count) areas, objective \(solution.objective), \(String(format: "%.2f", solution.seconds)) s (\(solution.method)); heuristic \(heuristic.objective), bound \(heuristic.bound), \(String(format: "%.2f", heuristic.seconds)) s")
        #expect(solution.optimal)
        #expect(solution.objective >= heuristic.objective)
        #expect(heuristic.bound >= solution.objective - 1e-6)
        expectFeasible(solution, problem)
        expectFeasible(heuristic, problem)
    }

    // MARK: - The heuristic path

    @Test("forced heuristic: a feasible region and a bound at least the brute-force optimum")
    func heuristicPath() throws {
        let graphs = [grid(4, 4), grid(3, 5), grid(4, 4), grid(3, 3)]
        var rng = SplitMix64(state: 3)
        let more = (0..<6).map { i in nearestNeighbourGraph(12 + i, k: 3, &rng) }
        for (index, problem) in randomInstances(seed: 17, graphs: graphs + more).enumerated() {
            let solution = try RegionOptimizer.solve(problem, options: .init(method: .heuristicOnly))
            let optimum = try #require(BruteForce(problem: problem).optimum())
            expectFeasible(solution, problem)
            #expect(solution.objective <= optimum, "instance \(index)")
            #expect(solution.bound >= optimum - 1e-9, "instance \(index): bound \(solution.bound) < optimum \(optimum)")
            if solution.optimal { #expect(solution.objective == optimum) }
            // Unless a bound proves the region optimal, the method names the heuristic and the bound.
            #expect(solution.optimal || solution.method.hasPrefix("greedy + local search; bound: "), "\(solution.method)")
        }
    }

    @Test("same problem, same solution")
    func deterministic() throws {
        let problem = Self.largeGrid()
        var small = problem
        small.budgets = [25, 400_000]
        let a = try RegionOptimizer.solve(small)
        let b = try RegionOptimizer.solve(small)
        #expect(a == b)
    }

    // MARK: - The connected-set branch and bound

    /// Every region of the reduced instance by brute force: the optimum weight and how many
    /// feasible regions reach it (local indices as bit masks; at most 20 nodes).
    fileprivate static func optimalRegionCount(_ instance: RegionInstance) -> (weight: Double, count: Int) {
        let n = instance.count
        precondition(n <= 20)
        let neighbours = instance.adjacency.map { $0.reduce(UInt32(0)) { $0 | 1 << UInt32($1) } }
        let fixed = (0..<n).reduce(UInt32(0)) { instance.fixed[$1] ? $0 | 1 << UInt32($1) : $0 }
        var best = -Double.infinity
        var count = 0
        for mask in UInt32(0)..<(1 << UInt32(n)) where mask & fixed == fixed {
            var cost = [Double](repeating: 0, count: instance.budgets.count)
            var w = 0.0
            for i in 0..<n where mask & (1 << UInt32(i)) != 0 {
                w += instance.weights[i]
                for k in cost.indices { cost[k] += instance.costs[k][i] }
            }
            guard instance.fits(cost) else { continue }
            var reached = UInt32(1) << UInt32(instance.root)
            var grown = true
            while grown {
                var next = reached
                for i in 0..<n where reached & (1 << UInt32(i)) != 0 { next |= neighbours[i] & mask }
                grown = next != reached
                reached = next
            }
            guard reached == mask else { continue }
            if w > best + 1e-9 {
                best = w
                count = 1
            } else if abs(w - best) <= 1e-9 {
                count += 1
            }
        }
        return (best, count)
    }

    @Test("connected-set search: the optimum and the number of optimal regions of brute force (required nodes included)")
    func enumerationAgainstBruteForce() throws {
        var rng = SplitMix64(state: 4242)
        let graphs = [grid(3, 3), grid(4, 4), grid(3, 5), grid(4, 5)] + (0..<10).map { i in nearestNeighbourGraph(10 + i, k: 2 + i % 2, &rng) }
        var problems = randomInstances(seed: 23, graphs: graphs)
        // Nested stages: the optimum of a smaller budget required.
        for problem in problems.prefix(20) {
            guard let smaller = try? RegionOptimizer.solve(problem) else { continue }
            var nested = problem
            nested.required = smaller.selected
            nested.budgets = nested.budgets.map { $0 + 2 }
            problems.append(nested)
        }
        var checked = 0, unique = 0
        for (index, problem) in problems.enumerated() {
            guard let instance = try? RegionInstance(problem), instance.isEnumerable, instance.count <= 20 else { continue }
            let found = try #require(instance.enumerateOptimum(nodeLimit: .max), "instance \(index)")
            let (weight, count) = Self.optimalRegionCount(instance)
            #expect(instance.isFeasible(found.region), "instance \(index)")
            #expect(instance.weight(of: found.region) == weight, "instance \(index)")
            #expect(found.optimalRegions == count, "instance \(index): \(found.optimalRegions) optimal regions, brute force \(count)")
            checked += 1
            if count == 1 { unique += 1 }
        }
        // Both outcomes are exercised: unique optima (the search answers) and ties (CBC answers).
        #expect(checked >= 50 && unique >= 10 && checked - unique >= 10, "\(checked) instances, \(unique) unique")
    }

    @Test("solve with the connected-set search equals the CBC path: objective always, region where the optimum is unique")
    func enumerationAgainstCBC() throws {
        var rng = SplitMix64(state: 77)
        let graphs = (0..<8).map { i in nearestNeighbourGraph(30 + 5 * i, k: 3, &rng) } + [grid(6, 6), grid(5, 8)]
        var searched = 0
        for (index, problem) in randomInstances(seed: 31, graphs: graphs).enumerated() {
            let cbc = try RegionOptimizer.solve(problem, options: .init(enumerationNodeLimit: 0))
            let solution = try RegionOptimizer.solve(problem)
            #expect(solution.optimal && cbc.optimal, "instance \(index)")
            #expect(abs(solution.objective - cbc.objective) <= 1e-9 * max(1, cbc.objective), "instance \(index): \(solution) vs \(cbc)")
            expectFeasible(solution, problem)
            if solution.method == RegionInstance.enumerationMethod {
                #expect(solution.selected == cbc.selected, "instance \(index): a unique optimum differs from CBC's")
                searched += 1
            }
        }
        #expect(searched >= 10, "the search answered only \(searched) instances")
    }
}
