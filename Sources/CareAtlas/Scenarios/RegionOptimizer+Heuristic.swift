import Foundation

extension RegionInstance {
    /// A feasible region found by construction and local search, or nil when the construction could
    /// not connect the fixed nodes within the budgets.
    ///
    /// 1. Start from the fixed nodes; connect those outside the root's component along cheapest
    ///    paths.
    /// 2. Grow: repeatedly add the path (from the region, cheapest by normalised cost
    ///    ĉ_v = Σ_k c_kv / (B_k − c_k(F))) to the node with the best score gain / ĉ(path)^α among the
    ///    paths that fit every budget (gain = patients on the path).
    /// 3. Improve: swap a removable node (not fixed, not an articulation point of the region) for an
    ///    outside node next to the rest of the region with more patients that fits, best swap
    ///    first; drop zero-weight leaves; grow again; until no swap improves. Then drop a branch
    ///    (a node and everything connected to the root only through it) among the least efficient
    ///    ones and grow again, kept when the region improves.
    ///
    /// Steps 2–3 run for α = 1, ½ and 2; the best region wins. Deterministic (ties go to the
    /// smaller index); stops on counts, never on time.
    func heuristicRegion() -> [Int]? {
        var best: RegionSearch? = nil
        for alpha in [1.0, 0.5, 2.0] {
            var state = RegionSearch(self, alpha: alpha)
            guard state.connectFixed() else { return nil }
            state.grow()
            state.improve()
            if best == nil || state.value > best!.value { best = state }
        }
        return best.map { state in (0..<count).filter { state.inside[$0] } }
    }

    /// The heuristic's growth and local search (α = 1) started from `start` (local indices of a
    /// feasible connected region holding every fixed node), for re-solving a problem whose
    /// weights moved a little (the resampled draws of ``PlanUncertainty``).
    func improvedRegion(from start: [Int]) -> [Int] {
        var state = RegionSearch(self, alpha: 1)
        for v in start { state.inside[v] = true }
        state.used = cost(of: (0..<count).filter { state.inside[$0] })
        state.grow()
        state.improve()
        return (0..<count).filter { state.inside[$0] }
    }

    /// An upper bound that ignores connectivity: for each budget, the fixed nodes plus the
    /// fractional knapsack (Dantzig 1957) of the others within what the fixed nodes leave; the
    /// smallest over the budgets (Σ of all weights without budgets).
    func knapsackBound() -> Double {
        let fixedWeight = (0..<count).filter { fixed[$0] }.reduce(0.0) { $0 + weights[$1] }
        let free = (0..<count).filter { !fixed[$0] }
        var best = fixedWeight + free.reduce(0.0) { $0 + weights[$1] }
        for k in budgets.indices {
            var room = budgets[k] - (0..<count).filter { fixed[$0] }.reduce(0.0) { $0 + costs[k][$1] }
            var bound = fixedWeight
            let order = free.sorted { a, b in
                // weight per cost, descending; zero cost first
                let ra = costs[k][a] == 0 ? Double.infinity : weights[a] / costs[k][a]
                let rb = costs[k][b] == 0 ? Double.infinity : weights[b] / costs[k][b]
                return ra > rb || (ra == rb && a < b)
            }
            for v in order {
                let c = costs[k][v]
                if c <= room {
                    bound += weights[v]
                    room -= c
                } else {
                    bound += weights[v] * max(room, 0) / c
                    break
                }
            }
            best = min(best, bound)
        }
        return best
    }
}

/// The mutable state of the construction and local search.
private struct RegionSearch {
    let instance: RegionInstance
    var inside: [Bool]
    var used: [Double]
    /// Normalised cost ĉ_v of each node.
    let unitCost: [Double]

    /// The exponent of the path cost in the growth score gain / ĉ^α.
    let alpha: Double

    init(_ instance: RegionInstance, alpha: Double = 1) {
        self.instance = instance
        self.alpha = alpha
        inside = instance.fixed
        let start = instance.cost(of: (0..<instance.count).filter { instance.fixed[$0] })
        used = start
        unitCost = (0..<instance.count).map { v in
            instance.budgets.indices.reduce(0.0) { sum, k in
                let room = instance.budgets[k] - start[k]
                return sum + instance.costs[k][v] / max(room, 1e-12)
            }
        }
    }

    var n: Int { instance.count }

    /// Patients in the region.
    var value: Double { (0..<n).reduce(0.0) { inside[$1] ? $0 + instance.weights[$1] : $0 } }

    /// Swaps, then branch drops, until neither improves (bounded by counts).
    mutating func improve() {
        var rounds = 0
        while rounds < 4 * n + 10 {
            rounds += 1
            if improveBySwap() {
                dropZeroWeightLeaves()
                grow()
                continue
            }
            if !improveByBranchDrop() { break }
        }
    }

    /// Drops one of the least efficient branches (patients per normalised cost) and grows again;
    /// keeps the result when it has more patients. Tries at most `candidates` branches.
    mutating func improveByBranchDrop(candidates: Int = 8) -> Bool {
        guard instance.connected else { return false }
        let before = value
        var branches: [(nodes: [Int], score: Double, first: Int)] = []
        for u in 0..<n where inside[u] && !instance.fixed[u] {
            var without = inside
            without[u] = false
            let reached = RegionInstance.reach(from: [instance.root], adjacency: instance.adjacency, alive: without)
            let branch = (0..<n).filter { inside[$0] && !reached[$0] }
            guard !branch.contains(where: { instance.fixed[$0] }) else { continue }
            let w = branch.reduce(0.0) { $0 + instance.weights[$1] }
            let c = branch.reduce(0.0) { $0 + unitCost[$1] }
            branches.append((branch, w / max(c, 1e-12), u))
        }
        branches.sort { $0.score < $1.score || ($0.score == $1.score && $0.first < $1.first) }
        var tried = Set<[Int]>()
        for branch in branches where tried.insert(branch.nodes).inserted {
            if tried.count > candidates { break }
            let saved = self
            for v in branch.nodes { remove(v) }
            dropZeroWeightLeaves()
            grow()
            if value > before + 1e-9 * max(1, before) { return true }
            self = saved
        }
        return false
    }

    func fits(adding add: [Int], removing remove: [Int] = []) -> Bool {
        var cost = used
        for k in cost.indices {
            for v in add { cost[k] += instance.costs[k][v] }
            for v in remove { cost[k] -= instance.costs[k][v] }
        }
        return instance.fits(cost)
    }

    mutating func insert(_ v: Int) {
        inside[v] = true
        for k in used.indices { used[k] += instance.costs[k][v] }
    }

    mutating func remove(_ v: Int) {
        inside[v] = false
        for k in used.indices { used[k] -= instance.costs[k][v] }
    }

    /// Cheapest paths (by ĉ) from the region to every node, over paths that fit the budgets; the
    /// predecessor of each reached node, its patients gained and its path cost (connected mode).
    func paths() -> (pred: [Int], gain: [Double], cost: [Double]) {
        var d = [Double](repeating: .infinity, count: n)
        var pred = [Int](repeating: -1, count: n)
        var gain = [Double](repeating: 0, count: n)
        var spent = [[Double]](repeating: [], count: n)
        var heap = RegionInstance.Heap()
        for v in 0..<n where inside[v] {
            d[v] = 0
            spent[v] = used
            heap.push(0, v)
        }
        while let (du, u) = heap.pop() {
            guard du == d[u] else { continue }
            for v in instance.adjacency[u] where !inside[v] {
                let dv = du + unitCost[v]
                guard dv < d[v] else { continue }
                var s = spent[u]
                for k in s.indices { s[k] += instance.costs[k][v] }
                guard instance.fits(s) else { continue }
                d[v] = dv
                pred[v] = u
                gain[v] = gain[u] + instance.weights[v]
                spent[v] = s
                heap.push(dv, v)
            }
        }
        return (pred, gain, d)
    }

    /// Each outside node that fits on its own, as a path of one node (knapsack mode).
    func singles() -> (pred: [Int], gain: [Double], cost: [Double]) {
        var pred = [Int](repeating: -1, count: n)
        var gain = [Double](repeating: 0, count: n)
        for v in 0..<n where !inside[v] && fits(adding: [v]) {
            pred[v] = v
            gain[v] = instance.weights[v]
        }
        return (pred, gain, unitCost)
    }

    /// Connects the fixed nodes outside the root's component along cheapest paths; false when one
    /// cannot be connected within the budgets.
    mutating func connectFixed() -> Bool {
        guard instance.connected else { return instance.fits(used) }
        while true {
            let reached = RegionInstance.reach(from: [instance.root], adjacency: instance.adjacency, alive: inside)
            guard (0..<n).contains(where: { instance.fixed[$0] && !reached[$0] }) else { break }
            // Dijkstra from the root's component through free nodes to the first fixed node outside.
            var d = [Double](repeating: .infinity, count: n)
            var pred = [Int](repeating: -1, count: n)
            var heap = RegionInstance.Heap()
            for v in 0..<n where reached[v] {
                d[v] = 0
                heap.push(0, v)
            }
            var target = -1
            while let (du, u) = heap.pop() {
                guard du == d[u] else { continue }
                if inside[u] && !reached[u] {
                    target = u
                    break
                }
                for v in instance.adjacency[u] {
                    let dv = du + (inside[v] ? 0 : unitCost[v])
                    if dv < d[v] {
                        d[v] = dv
                        pred[v] = u
                        heap.push(dv, v)
                    }
                }
            }
            guard target >= 0 else { return false }
            var v = pred[target]
            while v >= 0 && !reached[v] {
                if !inside[v] { insert(v) }
                v = pred[v]
            }
        }
        return instance.fits(used)
    }

    /// Adds the best path (patients per normalised cost) while one with positive gain fits; without
    /// connectivity, the best single node.
    mutating func grow() {
        while true {
            let (pred, gain, cost) = instance.connected ? paths() : singles()
            var best = -1
            var bestRatio = 0.0
            for v in 0..<n where !inside[v] && pred[v] >= 0 && gain[v] > 0 {
                let ratio = gain[v] / pow(max(cost[v], 1e-12), alpha)
                if best < 0 || ratio > bestRatio || (ratio == bestRatio && gain[v] > gain[best]) {
                    best = v
                    bestRatio = ratio
                }
            }
            guard best >= 0 else { return }
            var v = best
            while v >= 0 && !inside[v] {
                insert(v)
                v = instance.connected ? pred[v] : -1
            }
        }
    }

    /// Drops zero-weight, non-fixed leaves of the region (repeatedly): they only spend budget.
    mutating func dropZeroWeightLeaves() {
        var changed = true
        while changed {
            changed = false
            for v in 0..<n where inside[v] && !instance.fixed[v] && instance.weights[v] == 0 {
                let degree = instance.connected ? instance.adjacency[v].filter { inside[$0] }.count : 0
                if degree <= 1 {
                    remove(v)
                    changed = true
                }
            }
        }
    }

    /// Applies the best improving swap; false when there is none.
    mutating func improveBySwap() -> Bool {
        let cut = instance.connected ? articulationPoints() : [Bool](repeating: false, count: n)
        var insideNeighbours = [Int](repeating: 0, count: n)
        if instance.connected {
            for v in 0..<n where !inside[v] { insideNeighbours[v] = instance.adjacency[v].filter { inside[$0] }.count }
        }
        let removable = (0..<n).filter { inside[$0] && !instance.fixed[$0] && !cut[$0] }
        let outside = (0..<n).filter { !inside[$0] && (!instance.connected || insideNeighbours[$0] > 0) }
            .sorted { instance.weights[$0] > instance.weights[$1] || (instance.weights[$0] == instance.weights[$1] && $0 < $1) }
        var best: (out: Int, into: Int, gain: Double)? = nil
        for u in removable {
            for v in outside {
                let gain = instance.weights[v] - instance.weights[u]
                if gain <= 1e-12 * max(1, instance.weights[v]) { break }  // sorted by weight: no better v follows
                if let b = best, gain <= b.gain { break }
                if instance.connected {
                    let viaU = instance.adjacency[v].contains(u) ? 1 : 0
                    if insideNeighbours[v] - viaU < 1 { continue }
                }
                if fits(adding: [v], removing: [u]) {
                    best = (u, v, gain)
                    break
                }
            }
        }
        guard let best else { return false }
        remove(best.out)
        insert(best.into)
        return true
    }

    /// Articulation points of the subgraph induced by the region (Hopcroft & Tarjan 1973),
    /// iterative depth-first search.
    func articulationPoints() -> [Bool] {
        var result = [Bool](repeating: false, count: n)
        var order = [Int](repeating: -1, count: n)
        var low = [Int](repeating: 0, count: n)
        var counter = 0
        for start in 0..<n where inside[start] && order[start] < 0 {
            order[start] = counter
            low[start] = counter
            counter += 1
            var rootChildren = 0
            var stack: [(node: Int, parent: Int, next: Int)] = [(start, -1, 0)]
            while !stack.isEmpty {
                let top = stack.count - 1
                let (u, parent, i) = stack[top]
                let neighbours = instance.adjacency[u]
                if i < neighbours.count {
                    stack[top].next += 1
                    let v = neighbours[i]
                    guard inside[v], v != parent else { continue }
                    if order[v] < 0 {
                        order[v] = counter
                        low[v] = counter
                        counter += 1
                        stack.append((v, u, 0))
                        if u == start { rootChildren += 1 }
                    } else {
                        low[u] = min(low[u], order[v])
                    }
                } else {
                    stack.removeLast()
                    if parent >= 0 {
                        low[parent] = min(low[parent], low[u])
                        if parent != start && low[u] >= order[parent] { result[parent] = true }
                    }
                }
            }
            if rootChildren > 1 { result[start] = true }
        }
        return result
    }
}
