/// What the connected-set branch and bound found: the optimum and how many connected feasible
/// regions reach it.
struct EnumeratedOptimum: Sendable {
    /// An optimal region (local indices, ascending).
    let region: [Int]
    /// How many distinct feasible regions have the optimal weight (1: the optimum is unique).
    let optimalRegions: Int
    /// Search nodes visited.
    let nodes: Int
}

extension RegionInstance {
    static let enumerationMethod = "connected-set branch and bound (unique optimum)"

    /// Whether ``enumerateOptimum(nodeLimit:deadline:)`` takes this instance: connectivity asked for, and
    /// every fixed node already in the root's fixed component C (so that every region grows from C
    /// by adding neighbours).
    var isEnumerable: Bool { connected && fixed == source && !budgets.isEmpty }

    /// The exact optimum by branch and bound over the connected supersets of C, with every region
    /// of optimal weight counted; nil when the instance is not ``isEnumerable``, the search
    /// visits more than `nodeLimit` nodes, or the deadline passes (checked every 64 nodes).
    ///
    /// **Enumeration.** A search node is a connected feasible region S ⊇ C and a set X of nodes
    /// excluded below it. The node branches on one neighbour v of S outside S ∪ X that fits every
    /// budget (the heaviest; ties: the smaller index): S ∪ {v} on one side, X ∪ {v} on the other.
    /// Every connected region holding C is reached by exactly one search path (it holds v or it
    /// does not) and first becomes S at exactly one node (the root for C, else the node that adds
    /// its last member; the exclusion branch keeps its parent's S), so every feasible region is
    /// counted once unless a bound prunes it.
    ///
    /// **Bound.** Every region below the node is S plus nodes reachable from S through nodes
    /// outside X; such a node v needs its cheapest path from S, so it can only be added when
    /// d_k(S, v) ≤ B_k − c_k(S) for every budget k (node-weighted shortest path, v included).
    /// Per budget, the fractional knapsack (Dantzig 1957) of those nodes within B_k − c_k(S)
    /// bounds what they add; the node's bound is w(S) plus the smallest of these. A node is pruned
    /// only when its bound is *below* the best weight found (by more than 1e-9 relative), so every
    /// region of optimal weight is visited and counted: ``EnumeratedOptimum/optimalRegions`` is
    /// exact, and a unique optimum is the region every exact method returns.
    func enumerateOptimum(nodeLimit: Int, deadline: ContinuousClock.Instant? = nil) -> EnumeratedOptimum? {
        guard isEnumerable else { return nil }
        var search = ConnectedSetSearch(self, nodeLimit: nodeLimit, deadline: deadline)
        guard search.run(), let best = search.bestRegion else { return nil }
        return EnumeratedOptimum(region: best, optimalRegions: search.bestCount, nodes: search.visited)
    }
}

/// The state of ``RegionInstance/enumerateOptimum(nodeLimit:deadline:)``.
private struct ConnectedSetSearch {
    let instance: RegionInstance
    let nodeLimit: Int
    let deadline: ContinuousClock.Instant?
    let n: Int
    /// Per budget, the nodes by weight per cost, descending (zero cost first; ties: smaller index).
    let knapsackOrder: [[Int]]
    /// Per budget, whether every node costs the same positive amount (hop distances then suffice).
    let uniformCost: [Double?]
    /// Nodes by weight, descending (ties: smaller index): the branching order.
    let byWeight: [Int]

    var inside: [Bool]
    var excluded: [Bool]
    var used: [Double]
    var weight = 0.0
    var bestWeight = -Double.infinity
    var bestCount = 0
    var bestRegion: [Int]? = nil
    var visited = 0
    // Scratch space of the bound.
    var distance: [[Double]]
    var available: [Bool]
    var heap = RegionInstance.Heap()
    var queue: [Int] = []

    init(_ instance: RegionInstance, nodeLimit: Int, deadline: ContinuousClock.Instant?) {
        self.instance = instance
        self.nodeLimit = nodeLimit
        self.deadline = deadline
        n = instance.count
        let w = instance.weights
        knapsackOrder = instance.costs.map { row in
            (0..<instance.count).sorted { a, b in
                let ra = row[a] == 0 ? Double.infinity : w[a] / row[a]
                let rb = row[b] == 0 ? Double.infinity : w[b] / row[b]
                return ra > rb || (ra == rb && a < b)
            }
        }
        uniformCost = instance.costs.map { row in
            guard let first = row.first, first > 0, row.allSatisfy({ $0 == first }) else { return nil }
            return first
        }
        byWeight = (0..<instance.count).sorted { w[$0] > w[$1] || (w[$0] == w[$1] && $0 < $1) }
        inside = instance.source
        excluded = [Bool](repeating: false, count: instance.count)
        used = instance.cost(of: (0..<instance.count).filter { instance.source[$0] })
        weight = (0..<instance.count).reduce(0.0) { instance.source[$1] ? $0 + w[$1] : $0 }
        distance = instance.budgets.map { _ in [Double](repeating: .infinity, count: instance.count) }
        available = [Bool](repeating: false, count: instance.count)
    }

    func tolerance(_ value: Double) -> Double { 1e-9 * max(1, abs(value)) }

    /// Searches from C; false when the node limit stopped it.
    mutating func run() -> Bool {
        guard instance.fits(used) else { return false }
        // C itself is feasible: the first incumbent (counted when the search visits it).
        bestWeight = weight
        bestCount = 0
        bestRegion = (0..<n).filter { inside[$0] }
        return visit(newRegion: true)
    }

    /// Whether node v fits every budget on top of the region.
    func fits(_ v: Int) -> Bool {
        for k in used.indices where used[k] + instance.costs[k][v] > instance.budgets[k] + instance.tolerance(k) { return false }
        return true
    }

    /// Searches below the node (S, X); `newRegion`: S was not the region of the parent node (the
    /// exclusion branch keeps its parent's S, which is then not counted again).
    private mutating func visit(newRegion: Bool) -> Bool {
        visited += 1
        if visited > nodeLimit { return false }
        if let deadline, visited % 64 == 0, ContinuousClock().now >= deadline { return false }
        let t = tolerance(bestWeight)
        if newRegion && weight > bestWeight + t {
            bestWeight = weight
            bestCount = 1
            bestRegion = (0..<n).filter { inside[$0] }
        } else if newRegion && weight >= bestWeight - t {
            bestCount += 1
        }
        guard bound() >= bestWeight - tolerance(bestWeight) else { return true }
        // The heaviest neighbour of the region that fits (ties: the smaller index).
        var branch = -1
        for v in byWeight where !inside[v] && !excluded[v] && fits(v) && instance.adjacency[v].contains(where: { inside[$0] }) {
            branch = v
            break
        }
        guard branch >= 0 else { return true }
        add(branch)
        let completed = visit(newRegion: true)
        remove(branch)
        guard completed else { return false }
        excluded[branch] = true
        let rest = visit(newRegion: false)
        excluded[branch] = false
        return rest
    }

    private mutating func add(_ v: Int) {
        inside[v] = true
        weight += instance.weights[v]
        for k in used.indices { used[k] += instance.costs[k][v] }
    }

    private mutating func remove(_ v: Int) {
        inside[v] = false
        weight -= instance.weights[v]
        for k in used.indices { used[k] -= instance.costs[k][v] }
    }

    /// w(S) plus, for the budget that gives the least, the fractional knapsack of the nodes that
    /// can still be reached from S within what the budgets leave.
    private mutating func bound() -> Double {
        let budgets = instance.budgets
        for k in budgets.indices { reachDistances(k, room: budgets[k] - used[k] + instance.tolerance(k)) }
        for v in 0..<n {
            var reachable = !inside[v]
            for k in budgets.indices where distance[k][v] > budgets[k] - used[k] + instance.tolerance(k) { reachable = false }
            available[v] = reachable
        }
        var best = Double.infinity
        for k in budgets.indices {
            var room = budgets[k] - used[k]
            var gain = 0.0
            for v in knapsackOrder[k] where available[v] {
                let c = instance.costs[k][v]
                if c <= room {
                    gain += instance.weights[v]
                    room -= c
                } else {
                    gain += instance.weights[v] * max(room, 0) / c
                    break
                }
            }
            best = min(best, gain)
        }
        return weight + best
    }

    /// distance[k][v]: the least Σ c_k over the nodes of a path from S to v outside S and X (v
    /// included), up to `room` (beyond it: infinity).
    private mutating func reachDistances(_ k: Int, room: Double) {
        let cost = instance.costs[k]
        let adjacency = instance.adjacency
        for v in 0..<n { distance[k][v] = inside[v] ? 0 : .infinity }
        if let unit = uniformCost[k] {
            // Breadth-first: the distance is the hop count times the common cost.
            queue.removeAll(keepingCapacity: true)
            for v in 0..<n where inside[v] { queue.append(v) }
            var front = 0
            while front < queue.count {
                let u = queue[front]
                front += 1
                let next = distance[k][u] + unit
                guard next <= room else { continue }
                for v in adjacency[u] where !excluded[v] && distance[k][v] == .infinity {
                    distance[k][v] = next
                    queue.append(v)
                }
            }
            return
        }
        for v in 0..<n where inside[v] { heap.push(0, v) }
        while let (du, u) = heap.pop() {
            guard du == distance[k][u] else { continue }
            for v in adjacency[u] where !excluded[v] && !inside[v] {
                let dv = du + cost[v]
                if dv < distance[k][v] && dv <= room {
                    distance[k][v] = dv
                    heap.push(dv, v)
                }
            }
        }
    }
}
