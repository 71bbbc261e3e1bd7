import Foundation

/// What the nodes of one round of ``MCLPSearch`` read: the search's state when the round began.
struct MCLPSearchState {
    var pruning: MCLPPruning
    var pseudocosts: MCLPPseudocosts
    /// The root's gap (bound − incumbent) when it last branched or fixed by strong branching.
    var rootGap: Double
    /// Choices already improved by interchange.
    var polished: Set<[Int32]>
}

/// What bounding one node found, for ``MCLPSearch`` to merge into its state in the nodes' stack
/// order once the round is over.
struct MCLPNodeReport {
    var outcome: MCLPSearch.Outcome
    /// The best choice met that beats the round's incumbent, after interchange (empty if none),
    /// and its value.
    var solution: [Int32] = []
    var value = -Double.infinity
    /// Choices improved by interchange, in the order they were.
    var polished: [[Int32]] = []
    /// Observations for the pseudocosts, in the order they were made.
    var falls: [(site: Int, up: Bool, fall: Double, x: Double)] = []
    /// The root's gap, when this node (the root) set it.
    var rootGap: Double?
    /// Whether the node branched by pseudocosts.
    var pseudocostBranch = false
}

/// Bounds one node of ``MCLPSearch`` at a time: rounds of the volume algorithm, fixing by reduced
/// costs and strong branching (see ``MCLPSearch`` for the method).
///
/// Owns the node's ``MCLPRelaxation`` and takes the probes' from the search's pool (the probes run
/// concurrently); reads the
/// round's ``MCLPSearchState`` and keeps what it changes to itself (a better incumbent prunes
/// within the node), returning it in an ``MCLPNodeReport``. So a node's report depends on the node
/// and the state alone, not on other nodes bounded at the same time, nor on the nodes this worker
/// bounded before (``MCLPRelaxation/prepare(_:)`` resets its scratch space).
///
/// Thread safety: one node at a time; workers run on different threads at once.
final class MCLPNodeWorker {
    let core: MCLPCore
    private let locked: [Bool]
    private let allowed: [Bool]
    private let strongBranchingGap: Double
    private let relaxation: MCLPRelaxation
    private let probes: MCLPRelaxationPool

    /// The node being bounded: the round's state as this node changed it, and its report.
    private var pruning: MCLPPruning
    private var pseudocosts: MCLPPseudocosts
    private var rootGap = Double.infinity
    private var sharedPolished: Set<[Int32]> = []
    private var newlyPolished: Set<[Int32]> = []
    private var report = MCLPNodeReport(outcome: .closed(bound: -.infinity))

    /// Evaluations of L in this worker's node bounds (not its probes).
    var evaluations: Int { relaxation.evaluations }

    init(core: MCLPCore, locked: [Bool], allowed: [Bool], strongBranchingGap: Double, probes: MCLPRelaxationPool) {
        self.core = core
        self.locked = locked
        self.allowed = allowed
        self.strongBranchingGap = strongBranchingGap
        relaxation = MCLPRelaxation(core: core)
        self.probes = probes
        pruning = MCLPPruning(incumbent: 0, tolerance: 0, integral: core.integral)
        pseudocosts = MCLPPseudocosts(siteCount: 0)
    }

    /// Bounds `node` against `state`.
    func process(_ node: MCLPSearch.Node, state: MCLPSearchState) -> MCLPNodeReport {
        pruning = state.pruning
        pseudocosts = state.pseudocosts
        rootGap = state.rootGap
        sharedPolished = state.polished
        newlyPolished.removeAll(keepingCapacity: true)
        report = MCLPNodeReport(outcome: .closed(bound: -.infinity))
        report.outcome = bound(node)
        let result = report
        // Drop the references to the shared state's storage, so that the search mutates it in
        // place rather than copying it.
        sharedPolished = []
        pseudocosts = MCLPPseudocosts(siteCount: 0)
        report = MCLPNodeReport(outcome: .closed(bound: -.infinity))
        return result
    }

    /// Rounds of the volume algorithm, fixing by reduced costs and strong branching, until the
    /// node closes or a branching site is chosen.
    private func bound(_ node: MCLPSearch.Node) -> MCLPSearch.Outcome {
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
                record(site: branched.site, up: branched.up, fall: node.bound - Swift.max(bound, pruning.incumbent),
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
                rootGap = bound - pruning.incumbent
                report.rootGap = rootGap
            } else if bound - pruning.incumbent < strongBranchingGap * rootGap {
                let candidates = fractionalSites(status: status, limit: .max).map { ($0, relaxation.averageX($0)) }
                let epsilon = 1e-6 * Swift.max(1, bound - pruning.incumbent)
                guard let site = pseudocosts.best(of: candidates, epsilon: epsilon) else { break }
                report.pseudocostBranch = true
                return branch(site, status: status, lambda: lambda, bound: bound)
            }
            switch strongBranching(status: &status, lambda: lambda, bound: bound) {
            case .closed(let childBound):
                return .closed(bound: childBound)
            case .fixed:
                continue
            case .branch(let site):
                return branch(site, status: status, lambda: lambda, bound: bound)
            }
        }
        // Out of rounds: branch on the most fractional free site.
        guard let site = fractionalSites(status: status, limit: 1).first ?? relaxation.freeList.first(where: { status[Int($0)] == MCLPSiteStatus.free }).map(Int.init)
        else { return .closed(bound: bound) }
        return branch(site, status: status, lambda: lambda, bound: bound)
    }

    private func branch(_ site: Int, status: [UInt8], lambda: [Double], bound: Double) -> MCLPSearch.Outcome {
        .branch(site: site, status: status, lambda: lambda, bound: bound, x: relaxation.averageX(site))
    }

    private func record(site: Int, up: Bool, fall: Double, x: Double) {
        pseudocosts.record(site: site, up: up, fall: fall, x: x)
        report.falls.append((site, up, fall, x))
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
        let candidates = fractionalSites(status: status, limit: MCLPSearch.probedSites)
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
                        let relaxation = probes.take()
                        defer { probes.giveBack(relaxation) }
                        switch relaxation.prepare(childStatus) {
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
                            probe.bound = relaxation.minimise(&childLambda, schedule: .probe, pruning: start) { _, value, relaxation in
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
        let epsilon = 1e-6 * Swift.max(1, bound - pruning.incumbent)
        for (k, site) in candidates.enumerated() {
            let boundIn = Swift.min(bound, results[2 * k].bound), boundOut = Swift.min(bound, results[2 * k + 1].bound)
            let inClosed = pruning.cannotImprove(boundIn), outClosed = pruning.cannotImprove(boundOut)
            let x = relaxation.averageX(site)
            record(site: site, up: true, fall: bound - boundIn, x: x)
            record(site: site, up: false, fall: bound - boundOut, x: x)
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
        if !sharedPolished.contains(sites), newlyPolished.insert(sites).inserted { report.polished.append(sites) }
        improve(sites)
    }

    /// Improves a choice by interchange, once per distinct choice, and keeps it when it beats the
    /// incumbent.
    private func polish(_ sites: [Int32]) {
        guard !sharedPolished.contains(sites), newlyPolished.insert(sites).inserted else { return }
        report.polished.append(sites)
        improve(sites)
    }

    private func improve(_ sites: [Int32]) {
        var chosen = sites
        let value = MCLPLocalSearch.interchange(core, chosen: &chosen, locked: locked, allowed: allowed,
                                                tolerance: core.integral ? 0.5 : pruning.tolerance)
        if pruning.isBetter(value) {
            pruning.incumbent = value
            report.solution = chosen
            report.value = value
        }
    }
}

/// Relaxations for the probes of strong branching, shared by a search's workers: a probe takes
/// one, bounds its child and gives it back. Which one a probe gets depends on the scheduling, but
/// not what it computes: ``MCLPRelaxation/prepare(_:)`` resets all that a bound reads. So the pool
/// holds only as many as ran at once (about the number of cores), not 16 per worker.
///
/// Thread safety: `take` and `giveBack` may be called from any thread; `evaluations` once the
/// probes are over.
final class MCLPRelaxationPool: @unchecked Sendable {
    private let core: MCLPCore
    private let lock = NSLock()
    private var idle: [MCLPRelaxation] = []
    private var made: [MCLPRelaxation] = []

    init(core: MCLPCore) {
        self.core = core
    }

    /// An idle relaxation, or a new one.
    func take() -> MCLPRelaxation {
        lock.lock()
        defer { lock.unlock() }
        if let relaxation = idle.popLast() { return relaxation }
        let relaxation = MCLPRelaxation(core: core)
        made.append(relaxation)
        return relaxation
    }

    func giveBack(_ relaxation: MCLPRelaxation) {
        lock.lock()
        defer { lock.unlock() }
        idle.append(relaxation)
    }

    /// Evaluations of L by all the pool's relaxations.
    var evaluations: Int {
        lock.lock()
        defer { lock.unlock() }
        return made.reduce(0) { $0 + $1.evaluations }
    }
}
