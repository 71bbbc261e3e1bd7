/// A generalized node-separator inequality `y_node ≤ Σ_{j ∈ separator} y_j`: every connected region
/// that holds the root's fixed component C and `node` holds a node of `separator`, a node set whose
/// removal separates C from `node` (Carvajal et al. 2013; Álvarez-Miranda, Ljubić & Mutzel 2013).
struct SeparatorCut: Hashable, Sendable {
    let node: Int
    /// Local nodes, ascending; never in C, never `node`.
    let separator: [Int]
}

extension RegionInstance {
    /// The neighbourhood cuts `y_k ≤ Σ_{j ∈ N(k)} y_j` of the nodes that are neither in C nor next
    /// to a fixed node (for the others the cut holds trivially).
    func neighbourhoodCuts() -> [SeparatorCut] {
        (0..<count).compactMap { k in
            guard !source[k], !adjacency[k].contains(where: { fixed[$0] }) else { return nil }
            return SeparatorCut(node: k, separator: adjacency[k])
        }
    }

    /// The cuts that an integer point whose selection is not connected violates: for each component
    /// K of the selection that does not hold the root, its outer neighbourhood N(K) (all unselected)
    /// separates every k ∈ K from C.
    func componentCuts(_ selected: [Bool]) -> [SeparatorCut] {
        let rootSide = Self.reach(from: [root], adjacency: adjacency, alive: selected)
        var seen = rootSide
        var cuts: [SeparatorCut] = []
        for start in 0..<count where selected[start] && !seen[start] {
            var component: [Int] = [start]
            seen[start] = true
            var i = 0
            var boundary = Set<Int>()
            while i < component.count {
                let u = component[i]
                i += 1
                for v in adjacency[u] {
                    if selected[v] {
                        if !seen[v] {
                            seen[v] = true
                            component.append(v)
                        }
                    } else {
                        boundary.insert(v)
                    }
                }
            }
            let separator = boundary.sorted()
            for k in component.sorted() { cuts.append(SeparatorCut(node: k, separator: separator)) }
        }
        return cuts
    }

    /// The node-separator cuts violated by more than `tolerance` at the LP point `y`.
    ///
    /// For each node k ∉ C with `y_k > tolerance` (largest first), a maximum flow from C to k in the
    /// node-split graph (arc j_in → j_out of capacity `y_j`, arcs u_out → v_in of infinite capacity
    /// for each edge) is pushed until it reaches `y_k`; when it cannot, the saturated split arcs on
    /// the source side of the minimum cut form a separator N with Σ_N y < y_k. The same N is reused
    /// for every other node it separates from C whose value exceeds Σ_N y (those nodes skip their own
    /// flow in this round).
    func separate(_ y: [Double], tolerance: Double = 1e-5, maximumCuts: Int = .max) -> [SeparatorCut] {
        var network = SplitNetwork(self, y)
        var done = [Bool](repeating: false, count: count)
        var cuts: [SeparatorCut] = []
        let order = (0..<count).filter { !source[$0] && y[$0] > tolerance }
            .sorted { y[$0] > y[$1] || (y[$0] == y[$1] && $0 < $1) }
        for k in order where !done[k] {
            if cuts.count >= maximumCuts { break }
            if adjacency[k].contains(where: { source[$0] }) { continue }
            guard let separator = network.minimumSeparator(to: k, target: y[k] - tolerance) else { continue }
            let value = separator.reduce(0.0) { $0 + y[$1] }
            // Nodes still reachable from C once N is removed are not separated by N.
            var notSeparator = [Bool](repeating: true, count: count)
            for j in separator { notSeparator[j] = false }
            let reached = Self.reach(from: (0..<count).filter { source[$0] }, adjacency: adjacency, alive: notSeparator)
            for j in order where !reached[j] && notSeparator[j] && y[j] > value + tolerance && !done[j] {
                cuts.append(SeparatorCut(node: j, separator: separator))
                done[j] = true
            }
        }
        return cuts
    }
}

/// The node-split flow network of a ``RegionInstance`` at an LP point, with a breadth-first
/// augmenting-path maximum flow (Edmonds & Karp 1972) that stops as soon as the target is reached.
private struct SplitNetwork {
    let nodeCount: Int
    let sourceNode: Int
    var head: [Int]
    var next: [Int] = []
    var to: [Int] = []
    var capacity: [Double] = []
    var residual: [Double] = []
    static let unbounded = 1e9

    init(_ instance: RegionInstance, _ y: [Double]) {
        let m = instance.count
        nodeCount = 2 * m + 1
        sourceNode = 2 * m
        head = [Int](repeating: -1, count: nodeCount)
        for v in 0..<m {
            addArc(2 * v, 2 * v + 1, instance.source[v] ? Self.unbounded : max(y[v], 0))
            if instance.source[v] { addArc(sourceNode, 2 * v, Self.unbounded) }
            for u in instance.adjacency[v] { addArc(2 * u + 1, 2 * v, Self.unbounded) }
        }
        residual = capacity
    }

    /// Adds arc a → b and its reverse (capacity 0); arcs come in pairs (e, e ^ 1).
    private mutating func addArc(_ a: Int, _ b: Int, _ c: Double) {
        for (from, target, cap) in [(a, b, c), (b, a, 0.0)] {
            to.append(target)
            capacity.append(cap)
            next.append(head[from])
            head[from] = to.count - 1
        }
    }

    /// A node separator between C and `k` whose y-value is below `target`, or nil when a flow of
    /// `target` reaches k.
    mutating func minimumSeparator(to k: Int, target: Double) -> [Int]? {
        guard target > 0 else { return nil }
        residual = capacity
        let sink = 2 * k
        var flow = 0.0
        var parentArc = [Int](repeating: -1, count: nodeCount)
        var visited = [Bool](repeating: false, count: nodeCount)
        var queue = [Int]()
        queue.reserveCapacity(nodeCount)
        while flow < target {
            for i in 0..<nodeCount { visited[i] = false }
            queue.removeAll(keepingCapacity: true)
            queue.append(sourceNode)
            visited[sourceNode] = true
            var front = 0
            while front < queue.count && !visited[sink] {
                let u = queue[front]
                front += 1
                var e = head[u]
                while e >= 0 {
                    let v = to[e]
                    if !visited[v] && residual[e] > 1e-12 {
                        visited[v] = true
                        parentArc[v] = e
                        queue.append(v)
                    }
                    e = next[e]
                }
            }
            guard visited[sink] else {
                // `visited` is the source side of a minimum cut: split arcs leaving it are the separator.
                let m = (nodeCount - 1) / 2
                return (0..<m).filter { visited[2 * $0] && !visited[2 * $0 + 1] }
            }
            var push = Double.infinity
            var v = sink
            while v != sourceNode {
                let e = parentArc[v]
                push = min(push, residual[e])
                v = to[e ^ 1]
            }
            v = sink
            while v != sourceNode {
                let e = parentArc[v]
                residual[e] -= push
                residual[e ^ 1] += push
                v = to[e ^ 1]
            }
            flow += push
        }
        return nil
    }
}
