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
/// - **Rounds**: the search is depth first, but takes the top ``roundSize`` open nodes of its
///   stack at a time and bounds them concurrently, each by its own ``MCLPNodeWorker`` (with its
///   own relaxation and probes), all against the state of the search when the round began: the
///   incumbent, the pseudocosts, the root's gap and the choices already polished. What each node
///   changes (a better incumbent, pseudocost observations, polished choices) stays with it until
///   the round is over; then the reports are merged in the nodes' stack order (observations
///   recorded, a node's choice kept when it beats the incumbent so far) and the children pushed,
///   the first node's last, so that they are bounded next. A node may so be bounded with an
///   older incumbent and older pseudocosts than a one-node-at-a-time search would have had, so
///   the tree differs (it is not much larger: most incumbents are found at the root); on two
///   cores the whole solve takes about half the wall time at 2,000 × 300, p = 40, and three
///   quarters over a suite of 25 instances, for 4 % more evaluations of L (benchmarks/RESULTS.md,
///   "MCLP: rounds of nodes bounded concurrently"). Rounds of 8 beat rounds of 2 and 4 there.
///
/// Deterministic: only the time limit depends on the clock. Each node's report is a function of
/// the node and the round's state alone (a worker's scratch space is reset for every node, and its
/// probes are merged in a fixed order), the rounds' size is a constant, not the number of cores,
/// and the merge and the children's order follow the stack; so the tree, the counts, the bounds
/// and the chosen sites are the same bits however the threads are scheduled and on any number of
/// cores.
///
/// Thread safety: an instance is used by one thread at a time (it runs its nodes and probes on
/// others).
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
        /// Branch on `site` (whose x̄ is `x`) from the node's final `status` and multipliers.
        case branch(site: Int, status: [UInt8], lambda: [Double], bound: Double, x: Double)

        var bound: Double {
            switch self {
            case .closed(let bound), .branch(_, _, _, let bound, _): bound
            }
        }
    }

    /// How many sites strong branching probes at most.
    static let probedSites = 8
    /// Strong branching runs at the root and at nodes whose gap (bound − incumbent) is at least
    /// this share of the root's; the others branch by pseudocosts.
    static let strongBranchingGap = 0.5
    /// How many open nodes a round bounds concurrently: a constant (never the number of cores), so
    /// that the search is the same on every machine.
    static let roundSize = 8

    let core: MCLPCore
    private let deadline: UInt64
    private(set) var pruning: MCLPPruning
    /// The best choice found (core indices, increasing) and its value.
    private(set) var incumbent: [Int32]
    var incumbentValue: Double { pruning.incumbent }
    private(set) var nodes = 0
    /// Rounds of concurrent node bounds (``nodes`` / ``rounds`` nodes per round on average).
    private(set) var rounds = 0
    /// Nodes branched by pseudocosts instead of strong branching.
    private(set) var pseudocostBranches = 0
    private(set) var timedOut = false
    /// The root's bound after its rounds of bounding and fixing.
    private(set) var rootBound = Double.infinity

    private let workers: [MCLPNodeWorker]
    private let probes: MCLPRelaxationPool
    /// The bound's falls observed in strong branching and in the children of branched nodes.
    private var pseudocosts: MCLPPseudocosts
    /// The root's gap (bound − incumbent) when it last branched or fixed by strong branching.
    private var rootGap = Double.infinity
    /// Choices already improved by interchange.
    private var polished: Set<[Int32]> = []

    /// Evaluations of L over all nodes and probes.
    var evaluations: Int { workers.reduce(probes.evaluations) { $0 + $1.evaluations } }

    /// - Parameters:
    ///   - rootStatus: sites fixed before the search (chosen, excluded), the rest free.
    ///   - deadline: `DispatchTime.now().uptimeNanoseconds` past which the search stops.
    ///   - strongBranchingGap: see ``strongBranchingGap`` (tests use others to exercise both rules).
    ///   - roundSize: see ``roundSize`` (tests use others).
    init(core: MCLPCore, rootStatus: [UInt8], deadline: UInt64, strongBranchingGap: Double = MCLPSearch.strongBranchingGap,
         roundSize: Int = MCLPSearch.roundSize)
    {
        precondition(roundSize >= 1, "a round bounds at least one node")
        self.core = core
        let locked = rootStatus.map { $0 == MCLPSiteStatus.chosen }
        let allowed = rootStatus.map { $0 != MCLPSiteStatus.excluded }
        self.deadline = deadline
        let probes = MCLPRelaxationPool(core: core)
        self.probes = probes
        workers = (0..<roundSize).map { _ in
            MCLPNodeWorker(core: core, locked: locked, allowed: allowed, strongBranchingGap: strongBranchingGap, probes: probes)
        }
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

    /// Depth-first search from `start`, by rounds of up to ``roundSize`` nodes; returns the largest
    /// bound of the nodes left open when the time limit hit (−∞ when the search finished: the
    /// incumbent is optimal).
    func run(from start: [Node]) -> Double {
        var stack = Array(start.reversed())
        var round: [Node] = []
        while true {
            round.removeAll(keepingCapacity: true)
            while round.count < workers.count, let node = stack.popLast() {
                if !pruning.cannotImprove(node.bound) { round.append(node) }
            }
            if round.isEmpty { return -.infinity }
            if DispatchTime.now().uptimeNanoseconds > deadline {
                timedOut = true
                return (stack + round).map(\.bound).max() ?? -.infinity
            }
            rounds += 1
            let reports = process(round)
            for (node, report) in zip(round, reports) { merge(report, of: node) }
            for (node, report) in zip(round, reports).reversed() {
                guard case .branch(let site, let status, let lambda, let bound, let x) = report.outcome else { continue }
                var out = status, chosen = status
                out[site] = MCLPSiteStatus.excluded
                chosen[site] = MCLPSiteStatus.chosen
                stack.append(Node(status: out, lambda: lambda, bound: bound, depth: node.depth + 1, branched: (site, false, x)))
                stack.append(Node(status: chosen, lambda: lambda, bound: bound, depth: node.depth + 1, branched: (site, true, x)))
            }
        }
    }

    /// Bounds the round's nodes concurrently, node k by worker k, against the current state.
    private func process(_ round: [Node]) -> [MCLPNodeReport] {
        let state = MCLPSearchState(pruning: pruning, pseudocosts: pseudocosts, rootGap: rootGap, polished: polished)
        if round.count == 1 { return [workers[0].process(round[0], state: state)] }
        var reports = [MCLPNodeReport?](repeating: nil, count: round.count)
        let workers = workers
        reports.withUnsafeMutableBufferPointer { buffer in
            let reports = SharedBuffer(buffer)
            ParallelChunks.forEach(count: round.count, chunkSize: 1) { range in
                for k in range { reports[k] = workers[k].process(round[k], state: state) }
            }
        }
        return reports.map { $0! }
    }

    /// Adds what bounding `node` found to the search's state.
    private func merge(_ report: MCLPNodeReport, of node: Node) {
        nodes += 1
        if report.pseudocostBranch { pseudocostBranches += 1 }
        for (site, up, fall, x) in report.falls { pseudocosts.record(site: site, up: up, fall: fall, x: x) }
        if let gap = report.rootGap { rootGap = gap }
        for sites in report.polished {
            if polished.count > 100_000 { polished.removeAll() }
            polished.insert(sites)
        }
        if !report.solution.isEmpty && pruning.isBetter(report.value) {
            pruning.incumbent = report.value
            incumbent = report.solution
        }
        if node.depth == 0 { rootBound = Swift.max(report.outcome.bound, incumbentValue) }
    }
}
