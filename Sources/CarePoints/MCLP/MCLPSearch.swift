import Dispatch

/// Branch-and-bound over the sites of an ``MCLPCore``, bounded by Lagrangian relaxation
/// (``MCLPRelaxation``).
///
/// - **Incumbent**: greedy adding and Teitz–Bart interchange (``MCLPLocalSearch``) at the start;
///   every evaluation of L yields a feasible choice (the fixed-in sites and S), kept when better
///   after interchange; at the root every tenth choice is also improved by interchange.
/// - **Node**: the volume algorithm from the parent's multipliers, then fixing by reduced costs;
///   when something was fixed the node is bounded again.
/// - **Branching**: strong branching (Applegate, Bixby, Chvátal & Cook 1995) on the free sites
///   whose x̄_j (the volume algorithm's approximate LP value) is most fractional: both children of
///   each are bounded by a short volume run; a child that cannot beat the incumbent fixes the
///   site the other way, and the site whose children's bounds fall most (product of the falls)
///   is branched on, x_j = 1 first, depth first. The probes run concurrently, each on its own
///   scratch space; their results and the solutions they find are merged in a fixed order, so
///   the search does not depend on thread scheduling. Strong branching runs at the root and at
///   nodes whose gap (bound − incumbent) is at least half the root's
///   (``strongBranchingGap``); nearer closing, a node branches on the fractional site of best
///   pseudocost score (``MCLPPseudocosts``, fed by the probes and by each child's first bound),
///   which costs no probes: strong branching's ≈ 16 × 30 evaluations of L bought the most where
///   the gap is wide (on the 2,000 × 300 benchmark, p = 20 / 40, it cut the evaluations by 27 % /
///   56 %: benchmarks/RESULTS.md, "MCLP, fourth round").
/// - **Pruning**: see ``MCLPPruning``.
///
/// Deterministic: only the time limit depends on the clock.
///
/// Thread safety: an instance is used by one thread at a time (it runs its probes on others).
final class MCLPSearch {
    /// An open node: the sites' status and the multipliers to start from.
    struct Node {
        var status: [UInt8]
        var lambda: [Double]
        /// The parent's bound (the root's: +∞).
        var bound: Double
        var depth: Int
        /// The site branched on to make this node, whether it was fixed in, and its x̄ in the parent.
        var branched: (site: Int, up: Bool, x: Double)? = nil
    }

    enum Outcome {
        case closed(bound: Double)
        case branch(site: Int, status: [UInt8], lambda: [Double], bound: Double)

        var bound: Double {
            switch self {
            case .closed(let bound), .branch(_, _, _, let bound): bound
            }
        }
    }

    /// How many sites strong branching probes at most.
    static let probedSites = 8
    /// Strong branching runs at the root and at nodes whose gap (bound − incumbent) is at least
    /// this share of the root's; the others branch by pseudocosts.
    static let strongBranchingGap = 0.5
    /// ``strongBranchingGap`` or what the search was made with.
    private let strongBranchingGap: Double

    let core: MCLPCore
    private let locked: [Bool]
    private let allowed: [Bool]
    private let deadline: UInt64
    private(set) var pruning: MCLPPruning
    /// The best choice found (core indices, increasing) and its value.
    private(set) var incumbent: [Int32]
    var incumbentValue: Double { pruning.incumbent }
    private(set) var nodes = 0
    /// Nodes branched by pseudocosts instead of strong branching.
    private(set) var pseudocostBranches = 0
    private(set) var timedOut = false
    /// The root's bound after its rounds of bounding and fixing.
    private(set) var rootBound = Double.infinity

    private let relaxation: MCLPRelaxation
    private let probes: [MCLPRelaxation]
    /// The bound's falls observed in strong branching and in the children of branched nodes.
    private var pseudocosts: MCLPPseudocosts
    /// The root's gap (bound − incumbent) when it last branched or fixed by strong branching.
    private var rootGap = Double.infinity
    /// Choices already improved by interchange.
    private var polished: Set<[Int32]> = []

    /// Evaluations of L over all nodes and probes.
    var evaluations: Int { relaxation.evaluations + probes.reduce(0) { $0 + $1.evaluations } }

    /// - Parameters:
    ///   - rootStatus: sites fixed before the search (chosen, excluded), the rest free.
    ///   - deadline: `DispatchTime.now().uptimeNanoseconds` past which the search stops.
    ///   - strongBranchingGap: see ``strongBranchingGap`` (tests use others to exercise both rules).
    init(core: MCLPCore, rootStatus: [UInt8], deadline: UInt64, strongBranchingGap: Double = MCLPSearch.strongBranchingGap) {
        self.core = core
        self.strongBranchingGap = strongBranchingGap
        locked = rootStatus.map { $0 == MCLPSiteStatus.chosen }
        allowed = rootStatus.map { $0 != MCLPSiteStatus.excluded }
        self.deadline = deadline
        relaxation = MCLPRelaxation(core: core)
        probes = (0..<2 * Self.probedSites).map { _ in MCLPRelaxation(core: core) }
        pseudocosts = MCLPPseudocosts(siteCount: core.siteCount)
        let tolerance = 1e-9 * Swift.max(1, core.totalWeight)
        var start = MCLPLocalSearch.greedy(core, locked: locked, allowed: allowed)
        let value = MCLPLocalSearch.interchange(core, chosen: &start, locked: locked, allowed: allowed,
                                                tolerance: core.integral ? 0.5 : tolerance)
        pruning = MCLPPruning(incumbent: value, tolerance: tolerance, integral: core.integral)
        incumbent = start
    }

    /// The root: multipliers λ_i = w_i / 2.
    func rootNode(status: [UInt8]) -> Node {
        Node(status: status, lambda: core.weights.map { $0 / 2 }, bound: .infinity, depth: 0)
    }

    /// Depth-first search from `start`; returns the largest bound of the nodes left open when the
    /// time limit hit (−∞ when the search finished: the incumbent is optimal).
    func run(from start: [Node]) -> Double {
        var stack = Array(start.reversed())
        while let node = stack.popLast() {
            if pruning.cannotImprove(node.bound) { continue }
            if DispatchTime.now().uptimeNanoseconds > deadline {
                timedOut = true
                return (stack + [node]).map(\.bound).max() ?? -.infinity
            }
            let outcome = process(node)
            if node.depth == 0 { rootBound = Swift.max(outcome.bound, incumbentValue) }
            if case .branch(let site, let status, let lambda, let bound) = outcome {
                var out = status, chosen = status
                out[site] = MCLPSiteStatus.excluded
                chosen[site] = MCLPSiteStatus.chosen
                let x = relaxation.averageX(site)
                stack.append(Node(status: out, lambda: lambda, bound: bound, depth: node.depth + 1, branched: (site, false, x)))
                stack.append(Node(status: chosen, lambda: lambda, bound: bound, depth: node.depth + 1, branched: (site, true, x)))
            }
        }
        return -.infinity
    }

    /// Bounds one node: rounds of the volume algorithm, fixing by reduced costs and strong
    /// branching, until it closes or a branching site is chosen.
    func process(_ node: Node) -> Outcome {
        nodes += 1
        var status = node.status
        var lambda = node.lambda
        var bound = node.bound
        let isRoot = node.depth == 0
        for round in 0..<8 {
            switch relaxation.prepare(status) {
            case .infeasible:
                return .closed(bound: -.infinity)
            case .leaf(let sites, let value):
                offer(sites, value: value)
                return .closed(bound: value)
            case .open:
                break
            }
            var schedule = isRoot ? MCLPSchedule.root : MCLPSchedule.node
            if round > 0 {
                schedule.iterations /= 4
                schedule.theta /= 4
            }
            bound = relaxation.minimise(&lambda, schedule: schedule, pruning: pruning) { iteration, value, relaxation in
                if pruning.isBetter(value) {
                    offer(relaxation.lagrangianChoice(), value: value)
                } else if isRoot && iteration % 10 == 0 {
                    polish(relaxation.lagrangianChoice())
                }
                return pruning.incumbent
            }
            if round == 0, let branched = node.branched, node.bound.isFinite {
                pseudocosts.record(site: branched.site, up: branched.up, fall: node.bound - Swift.max(bound, incumbentValue),
                                   x: branched.x)
            }
            if pruning.cannotImprove(bound) { return .closed(bound: bound) }
            if node.depth <= 3 {
                polish(relaxation.lagrangianChoice())
                if pruning.cannotImprove(bound) { return .closed(bound: bound) }
            }
            if relaxation.fixByReducedCosts(bound: bound, pruning: pruning, status: &status) { continue }
            if round == 7 { break }
            if isRoot {
                rootGap = bound - incumbentValue
            } else if bound - incumbentValue < strongBranchingGap * rootGap {
                let candidates = fractionalSites(status: status, limit: .max).map { ($0, relaxation.averageX($0)) }
                let epsilon = 1e-6 * Swift.max(1, bound - incumbentValue)
                guard let site = pseudocosts.best(of: candidates, epsilon: epsilon) else { break }
                pseudocostBranches += 1
                return .branch(site: site, status: status, lambda: lambda, bound: bound)
            }
            switch strongBranching(status: &status, lambda: lambda, bound: bound) {
            case .closed(let childBound):
                return .closed(bound: childBound)
            case .fixed:
                continue
            case .branch(let site):
                return .branch(site: site, status: status, lambda: lambda, bound: bound)
            }
        }
        // Out of rounds: branch on the most fractional free site.
        guard let site = fractionalSites(status: status, limit: 1).first ?? relaxation.freeList.first(where: { status[Int($0)] == MCLPSiteStatus.free }).map(Int.init)
        else { return .closed(bound: bound) }
        return .branch(site: site, status: status, lambda: lambda, bound: bound)
    }

    /// The free sites whose x̄_j is most fractional (min(x̄, 1 − x̄) largest, ties to the smaller
    /// index), at most `limit`; none when every x̄_j is within 10⁻³ of 0 or 1.
    private func fractionalSites(status: [UInt8], limit: Int) -> [Int] {
        var scored: [(score: Double, site: Int)] = []
        for j in relaxation.freeList where status[Int(j)] == MCLPSiteStatus.free {
            let x = relaxation.averageX(Int(j))
            let score = Swift.min(x, 1 - x)
            if score > 1e-3 { scored.append((score, Int(j))) }
        }
        scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.site < $1.site) }
        return scored.prefix(limit).map(\.site)
    }

    private enum StrongBranching {
        case closed(bound: Double)
        case fixed
        case branch(site: Int)
    }

    /// What one probe found: the child's bound and the best choice it met that beat the
    /// incumbent it started from.
    private struct Probe {
        var bound = -Double.infinity
        var solution: [Int32] = []
        var value = -Double.infinity
    }

    private func strongBranching(status: inout [UInt8], lambda: [Double], bound: Double) -> StrongBranching {
        let candidates = fractionalSites(status: status, limit: Self.probedSites)
        if candidates.isEmpty {
            // S is stable but the bound is open: branch on the site of S with the largest c_j.
            let inS = relaxation.selectedSites.map(Int.init).filter { status[$0] == MCLPSiteStatus.free }
            guard let site = inS.max(by: { relaxation.c($0) < relaxation.c($1) || (relaxation.c($0) == relaxation.c($1) && $0 > $1) })
            else { return .closed(bound: bound) }
            return .branch(site: site)
        }
        let tasks = 2 * candidates.count
        let start = pruning
        let parentStatus = status
        var results = [Probe](repeating: Probe(), count: tasks)
        let probes = probes
        do {
            results.withUnsafeMutableBufferPointer { resultBuffer in
                let results = SharedBuffer(resultBuffer)
                ParallelChunks.forEach(count: tasks, chunkSize: 1) { range in
                    for t in range {
                        var childStatus = parentStatus
                        childStatus[candidates[t / 2]] = t % 2 == 0 ? MCLPSiteStatus.chosen : MCLPSiteStatus.excluded
                        var probe = Probe()
                        switch probes[t].prepare(childStatus) {
                        case .infeasible:
                            break
                        case .leaf(let sites, let value):
                            probe.bound = value
                            if start.isBetter(value) {
                                probe.solution = sites
                                probe.value = value
                            }
                        case .open:
                            var childLambda = lambda
                            var local = start
                            probe.bound = probes[t].minimise(&childLambda, schedule: .probe, pruning: start) { _, value, relaxation in
                                if local.isBetter(value) {
                                    local.incumbent = value
                                    probe.solution = relaxation.lagrangianChoice()
                                    probe.value = value
                                }
                                return local.incumbent
                            }
                        }
                        results[t] = probe
                    }
                }
            }
        }
        for probe in results where !probe.solution.isEmpty { offer(probe.solution, value: probe.value) }
        var fixed = false
        var best = -1
        var bestScore = -Double.infinity
        let epsilon = 1e-6 * Swift.max(1, bound - incumbentValue)
        for (k, site) in candidates.enumerated() {
            let boundIn = Swift.min(bound, results[2 * k].bound), boundOut = Swift.min(bound, results[2 * k + 1].bound)
            let inClosed = pruning.cannotImprove(boundIn), outClosed = pruning.cannotImprove(boundOut)
            let x = relaxation.averageX(site)
            pseudocosts.record(site: site, up: true, fall: bound - boundIn, x: x)
            pseudocosts.record(site: site, up: false, fall: bound - boundOut, x: x)
            if inClosed && outClosed { return .closed(bound: Swift.max(boundIn, boundOut)) }
            if inClosed {
                status[site] = MCLPSiteStatus.excluded
                fixed = true
            } else if outClosed {
                status[site] = MCLPSiteStatus.chosen
                fixed = true
            }
            let score = Swift.max(bound - boundIn, epsilon) * Swift.max(bound - boundOut, epsilon)
            if score > bestScore {
                bestScore = score
                best = site
            }
        }
        return fixed ? .fixed : .branch(site: best)
    }

    /// A feasible choice (all `core.picks` sites, increasing) with its value: when it beats the
    /// incumbent it is improved by interchange and kept.
    private func offer(_ sites: [Int32], value: Double) {
        guard pruning.isBetter(value) else { return }
        polished.insert(sites)
        improve(sites)
    }

    /// Improves a choice by interchange, once per distinct choice, and keeps it when it beats the
    /// incumbent.
    private func polish(_ sites: [Int32]) {
        if polished.count > 100_000 { polished.removeAll() }
        guard polished.insert(sites).inserted else { return }
        improve(sites)
    }

    private func improve(_ sites: [Int32]) {
        var chosen = sites
        let value = MCLPLocalSearch.interchange(core, chosen: &chosen, locked: locked, allowed: allowed,
                                                tolerance: core.integral ? 0.5 : pruning.tolerance)
        if pruning.isBetter(value) {
            pruning.incumbent = value
            incumbent = chosen
        }
    }
}
