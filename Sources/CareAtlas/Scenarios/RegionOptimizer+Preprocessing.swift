/// A validated ``RegionProblem`` after the reductions that keep every optimum, in local indices
/// `0 ..< count` (ascending in the original numbering).
///
/// Reductions (see ``RegionOptimizer``): forbidden nodes and, when connectivity is asked for, nodes
/// outside the root's component go; zero-cost nodes of positive weight next to the fixed set join
/// it; nodes that no feasible region can reach within a budget go; zero-weight leaves go. Budgets
/// with an infinite limit are dropped.
struct RegionInstance: Sendable {
    /// Local index → original node.
    let nodes: [Int]
    let weights: [Double]
    /// `costs[k][i]` for the finite budgets only.
    let costs: [[Double]]
    let budgets: [Double]
    /// Local neighbour lists, ascending.
    let adjacency: [[Int]]
    /// Nodes in every feasible region: the root, the required nodes and the zero-cost nodes fixed by
    /// preprocessing.
    let fixed: [Bool]
    /// The component of the root in the subgraph induced by the fixed nodes (connected mode).
    let source: [Bool]
    let root: Int
    let connected: Bool

    var count: Int { nodes.count }

    /// The original indices of local nodes, ascending.
    func original(_ local: [Int]) -> [Int] { local.map { nodes[$0] }.sorted() }

    /// The tolerance of budget k's comparisons.
    func tolerance(_ k: Int) -> Double { 1e-9 * max(1, budgets[k]) }

    /// Whether `cost` (one value per budget) keeps every budget.
    func fits(_ cost: [Double]) -> Bool {
        for k in budgets.indices where cost[k] > budgets[k] + tolerance(k) { return false }
        return true
    }

    /// The cost of a set of local nodes under every budget.
    func cost(of set: some Sequence<Int>) -> [Double] {
        var c = [Double](repeating: 0, count: budgets.count)
        for i in set { for k in budgets.indices { c[k] += costs[k][i] } }
        return c
    }

    /// The reductions; throws `.infeasible` when no region can satisfy the problem.
    init(_ p: RegionProblem) throws(RegionOptimizerError) {
        let n = p.weights.count
        let finite = p.budgets.indices.filter { p.budgets[$0].isFinite }
        let limits = finite.map { p.budgets[$0] }
        let costRows = finite.map { p.costs[$0] }
        func tol(_ k: Int) -> Double { 1e-9 * max(1, limits[k]) }
        func isFree(_ v: Int) -> Bool { costRows.allSatisfy { $0[v] == 0 } }

        var alive = [Bool](repeating: true, count: n)
        for v in p.forbidden { alive[v] = false }
        var fixed = [Bool](repeating: false, count: n)
        fixed[p.root] = true
        for v in p.required { fixed[v] = true }
        var problems: [RegionOptimizerError.Problem] = []

        if p.connected {
            let reached = Self.reach(from: [p.root], adjacency: p.adjacency, alive: alive)
            for v in 0..<n where fixed[v] && !reached[v] {
                problems.append(.init(.infeasible, "required node \(v) cannot be connected to the root \(p.root): every path passes through a forbidden node, or there is none",
                    fix: "allow a connecting area or drop the requirement"))
            }
            for v in 0..<n where !reached[v] { alive[v] = false }
        }
        for k in finite.indices {
            let c = (0..<n).filter { fixed[$0] }.reduce(0.0) { $0 + costRows[k][$1] }
            if c > limits[k] + tol(k) {
                problems.append(.init(.infeasible, "the root and the required nodes alone cost \(c) under budget \(finite[k]), above its limit \(limits[k])",
                    fix: "raise the budget or require fewer nodes"))
            }
        }
        if !problems.isEmpty { throw RegionOptimizerError(problems) }

        // Zero-cost nodes of positive weight next to the fixed set (any zero-cost node when
        // connectivity is not asked for) belong to some optimum: fix them.
        var queue = (0..<n).filter { fixed[$0] }
        if p.connected {
            while let u = queue.popLast() {
                for v in p.adjacency[u] where alive[v] && !fixed[v] && p.weights[v] > 0 && isFree(v) {
                    fixed[v] = true
                    queue.append(v)
                }
            }
        } else {
            for v in 0..<n where alive[v] && !fixed[v] && p.weights[v] > 0 && isFree(v) { fixed[v] = true }
        }
        let fixedCost = finite.indices.map { k in (0..<n).filter { fixed[$0] }.reduce(0.0) { $0 + costRows[k][$1] } }

        // Nodes no feasible region can hold within some budget.
        if p.connected {
            var changed = true
            while changed {
                changed = false
                for k in finite.indices {
                    let d = Self.distances(from: fixed, cost: costRows[k], adjacency: p.adjacency, alive: alive)
                    for v in 0..<n where alive[v] && !fixed[v] && fixedCost[k] + d[v] > limits[k] + tol(k) {
                        alive[v] = false
                        changed = true
                    }
                }
            }
            let reached = Self.reach(from: [p.root], adjacency: p.adjacency, alive: alive)
            for v in 0..<n where fixed[v] && !reached[v] {
                problems.append(.init(.infeasible, "required node \(v) cannot be connected to the root \(p.root) within the budgets",
                    fix: "raise the budgets or drop the requirement"))
            }
            if !problems.isEmpty { throw RegionOptimizerError(problems) }
            for v in 0..<n where !reached[v] { alive[v] = false }
            // Zero-weight leaves (repeatedly): dropping one keeps a region connected and feasible.
            var degree = (0..<n).map { v in alive[v] ? p.adjacency[v].filter { alive[$0] }.count : 0 }
            var leaves = (0..<n).filter { alive[$0] && !fixed[$0] && p.weights[$0] == 0 && degree[$0] <= 1 }
            while let v = leaves.popLast() {
                guard alive[v] else { continue }
                alive[v] = false
                for u in p.adjacency[v] where alive[u] {
                    degree[u] -= 1
                    if !fixed[u] && p.weights[u] == 0 && degree[u] <= 1 { leaves.append(u) }
                }
            }
        } else {
            for v in 0..<n where alive[v] && !fixed[v] {
                if p.weights[v] == 0 || finite.indices.contains(where: { fixedCost[$0] + costRows[$0][v] > limits[$0] + tol($0) }) {
                    alive[v] = false
                }
            }
        }

        let nodes = (0..<n).filter { alive[$0] }
        var local = [Int](repeating: -1, count: n)
        for (i, v) in nodes.enumerated() { local[v] = i }
        self.nodes = nodes
        weights = nodes.map { p.weights[$0] }
        costs = costRows.map { row in nodes.map { row[$0] } }
        budgets = limits
        adjacency = nodes.map { v in p.adjacency[v].filter { alive[$0] }.map { local[$0] }.sorted() }
        self.fixed = nodes.map { fixed[$0] }
        root = local[p.root]
        connected = p.connected
        let fixedLocal = self.fixed
        source = Self.reach(from: [local[p.root]], adjacency: adjacency, alive: fixedLocal)
    }

    /// Nodes reachable from `start` through `alive` nodes.
    static func reach(from start: [Int], adjacency: [[Int]], alive: [Bool]) -> [Bool] {
        var seen = [Bool](repeating: false, count: adjacency.count)
        var stack: [Int] = []
        for s in start where alive[s] && !seen[s] {
            seen[s] = true
            stack.append(s)
        }
        while let u = stack.popLast() {
            for v in adjacency[u] where alive[v] && !seen[v] {
                seen[v] = true
                stack.append(v)
            }
        }
        return seen
    }

    /// Node-weighted shortest path costs from the `sources` (free) to every node through `alive`
    /// nodes: d(v) = the least Σ cost over the nodes of a path from a source to v, the sources
    /// excluded and v included (Dijkstra; `.infinity` when unreachable).
    static func distances(from sources: [Bool], cost: [Double], adjacency: [[Int]], alive: [Bool]) -> [Double] {
        let n = adjacency.count
        var d = [Double](repeating: .infinity, count: n)
        var heap = Heap()
        for v in 0..<n where sources[v] && alive[v] {
            d[v] = 0
            heap.push(0, v)
        }
        while let (du, u) = heap.pop() {
            guard du == d[u] else { continue }
            for v in adjacency[u] where alive[v] && !sources[v] {
                let dv = du + cost[v]
                if dv < d[v] {
                    d[v] = dv
                    heap.push(dv, v)
                }
            }
        }
        return d
    }
}

extension RegionInstance {
    /// A binary min-heap of (key, node), ties broken by the smaller node so that runs are reproducible.
    struct Heap {
        private var items: [(key: Double, node: Int)] = []

        var isEmpty: Bool { items.isEmpty }

        private static func less(_ a: (key: Double, node: Int), _ b: (key: Double, node: Int)) -> Bool {
            a.key < b.key || (a.key == b.key && a.node < b.node)
        }

        mutating func push(_ key: Double, _ node: Int) {
            items.append((key, node))
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.less(items[i], items[parent]) else { break }
                items.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> (Double, Int)? {
            guard let first = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < items.count && Self.less(items[l], items[m]) { m = l }
                    if r < items.count && Self.less(items[r], items[m]) { m = r }
                    if m == i { break }
                    items.swapAt(i, m)
                    i = m
                }
            }
            return (first.key, first.node)
        }
    }
}
