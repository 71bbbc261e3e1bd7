/// When a bound closes a node: it cannot beat the incumbent.
///
/// A node is closed when bound ≤ incumbent + 10⁻⁹ W (W the total weight), or, when every weight
/// is a whole number (so is every objective value), when bound < incumbent + 1 − 10⁻⁹ W. The
/// 10⁻⁹ W slack is far above the rounding error of the sums (about 10⁻¹³ W) and far below 1.
struct MCLPPruning {
    var incumbent: Double
    let tolerance: Double
    let integral: Bool

    @inline(__always)
    func cannotImprove(_ bound: Double) -> Bool {
        integral ? bound < incumbent + 1 - tolerance : bound <= incumbent + tolerance
    }

    /// Whether `value` is a better solution than the incumbent (by a whole unit with whole-number
    /// weights, by more than rounding otherwise).
    @inline(__always)
    func isBetter(_ value: Double) -> Bool {
        value > incumbent + (integral ? 0.5 : 1e-3 * tolerance)
    }
}

/// Subgradient-type settings of one bounding run.
struct MCLPSchedule: Sendable {
    /// At most this many evaluations of L.
    var iterations: Int
    /// The first step length factor θ.
    var theta: Double
    /// Steps without improvement before θ shrinks.
    var patience: Int
    /// Stop when θ falls below this.
    var minimumTheta: Double

    static let root = MCLPSchedule(iterations: 3000, theta: 0.1, patience: 20, minimumTheta: 1e-4)
    static let node = MCLPSchedule(iterations: 200, theta: 0.1, patience: 12, minimumTheta: 1e-3)
    static let probe = MCLPSchedule(iterations: 30, theta: 0.05, patience: 3, minimumTheta: 1e-3)
}

/// The Lagrangian relaxation of one search node, and the scratch space to optimise it.
///
/// Relaxing y_i ≤ Σ_{j ∈ N_i} x_j with multipliers λ_i ≥ 0 (Galvão & ReVelle 1996, "A Lagrangean
/// heuristic for the maximal covering location problem", EJOR 88:114–123) leaves
///
///     L(λ) = B + Σ_{i active} max(0, w_i − λ_i) + (sum of the q largest c_j over the free sites),
///     c_j = Σ_{i active, j ∈ N_i} λ_i,
///
/// where, in a node with some sites fixed in and some out, B is the weight the fixed-in sites
/// cover, q = p − |in|, and the active groups are those not covered by a fixed-in site with a free
/// site left. L(λ) ≥ the node's optimum for every λ ≥ 0; its minimum over λ equals the LP
/// relaxation's optimum (the subproblem has the integrality property), and λ_i > w_i never helps,
/// so λ stays in [0, w_i].
///
/// The scratch space is allocated once (the hot loops run over raw buffers) and freed in `deinit`.
/// The per-group loops of an evaluation and of the volume algorithm run over four lanes
/// (`SIMD4<Double>`) of buffers zero-padded to a multiple of four, without branches; each sum is
/// kept per lane (and c_j in four interleaved partial sums) and the partial sums are added in a
/// fixed order, so the results do not depend on anything but the input. Σ_{j ∈ S} c_j too: it is
/// summed over the free sites in index order, four lanes of terms c_j · [j ∈ S] (exact: c_j or
/// 0), so it depends on the set S alone, not on how S was found. The order of the
/// additions differs from a plain loop's by rounding only: at most about n·2⁻⁵³ times the sums'
/// magnitude (a few W, W the total weight), ≈ 10⁻¹² W for n ≈ 10³ terms, far below the 10⁻⁹ W by
/// which ``MCLPPruning`` keeps a bound from closing a node it should not.
///
/// Thread safety: used by one thread at a time; the search keeps one per concurrent task.
final class MCLPRelaxation {
    let core: MCLPCore
    /// The node's base B, q, fixed-in sites and free sites (after ``prepare(_:)``).
    private(set) var base = 0.0
    private(set) var picks = 0
    private(set) var fixedIn: [Int32] = []
    private(set) var freeList: [Int32] = []
    /// Per free site, the buffers below are indexed by its position r in `freeList` (increasing
    /// site order), so the loops over the free sites run over contiguous memory; `position[j]`
    /// is free site j's, −1 for the other sites.
    private let position: UnsafeMutablePointer<Int32>
    /// freeList.count rounded up to a multiple of 4; the entries of `cost` and `inS` between
    /// are 0.
    private var paddedFree = 0
    /// S after an evaluation, the q largest c_j (ties to the smaller index), as positions in no
    /// particular order (`picks` entries), and as 1 at those positions of `inS` (0 elsewhere).
    private let selected: UnsafeMutablePointer<Int32>
    private let inS: UnsafeMutablePointer<Double>
    /// c, S and the Lagrangian choice's value at the best multipliers of a run of ``minimise``,
    /// kept when they are found so that the run need not evaluate L there again at its end.
    private var bestCost: UnsafeMutablePointer<Double>
    private let bestSelected: UnsafeMutablePointer<Int32>
    private var bestLastInS = 0.0, bestFirstOutside = 0.0, bestSolution = 0.0
    /// (c, position) pairs being selected in ``selectS()``.
    private let selectionKeys: UnsafeMutablePointer<Double>
    private let selectionPositions: UnsafeMutablePointer<Int32>
    /// A threshold that about `picks` + ``selectionMargin`` free sites' c_j reached at the last
    /// evaluation (−∞ before the node's first): where ``selectS()`` looks for S first.
    private var selectionHint = -Double.infinity
    /// The smallest c_j in S and the largest outside S (−∞ when all free sites are in S).
    private(set) var lastInS = 0.0
    private(set) var firstOutside = -Double.infinity
    /// Evaluations of L so far.
    private(set) var evaluations = 0

    private let m: Int
    private let n: Int
    /// The active groups of the node are numbered 0..<activeCount (in increasing group order):
    /// every per-group buffer below is indexed by that number, so the hot loops run over
    /// contiguous memory. `activeGroup[a]` is the core's index of active group a.
    private var activeCount = 0
    /// activeCount rounded up to a multiple of 4: the per-group loops run over 4 lanes at a time.
    /// The padding entries of w, λ, the trial point, the direction, the cover counts and the
    /// subgradient are 0, which adds 0 to every sum and leaves them 0 (see `evaluate`, `minimise`).
    private var paddedCount = 0
    private let activeGroup: UnsafeMutablePointer<Int32>
    private let w: UnsafeMutablePointer<Double>
    private let lambdaBest: UnsafeMutablePointer<Double>
    /// #{j ∈ S ∩ N_i} of the last evaluation (whole numbers, as doubles for the 4-lane loops).
    private let coverCount: UnsafeMutablePointer<Double>
    /// The subgradient of the last evaluation, #{j ∈ S ∩ N_i} − y_i.
    private let subgradient: UnsafeMutablePointer<Double>
    private let direction: UnsafeMutablePointer<Double>
    private let trial: UnsafeMutablePointer<Double>
    /// The active number of each core group, −1 when inactive (only during ``prepare(_:)``).
    private let activeIndex: UnsafeMutablePointer<Int32>
    /// c_j of the last evaluation (by position).
    private var cost: UnsafeMutablePointer<Double>
    /// x̄: the volume algorithm's average of the subproblem's x, an approximate LP solution (by
    /// position).
    private let averageXs: UnsafeMutablePointer<Double>
    /// The active groups of the free site at position r (active numbers):
    /// `localDemands[localStart[r]..<localEnd[r]]`.
    private let localStart: UnsafeMutablePointer<Int>
    private let localEnd: UnsafeMutablePointer<Int>
    private let localDemands: UnsafeMutablePointer<Int32>

    init(core: MCLPCore) {
        self.core = core
        m = core.demandCount
        n = core.siteCount
        func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(count, 1))
            pointer.initialize(repeating: value, count: Swift.max(count, 1))
            return pointer
        }
        // Padded to a multiple of 4, and one more entry: the zero slot (see `prepare`).
        let lanes = (m + 3) / 4 * 4 + 1
        activeGroup = buffer(m, Int32(0))
        w = buffer(lanes, 0.0)
        lambdaBest = buffer(lanes, 0.0)
        coverCount = buffer(lanes, 0.0)
        subgradient = buffer(lanes, 0.0)
        direction = buffer(lanes, 0.0)
        trial = buffer(lanes, 0.0)
        activeIndex = buffer(m, Int32(-1))
        let sites = (n + 3) / 4 * 4
        position = buffer(n, Int32(-1))
        cost = buffer(sites, 0.0)
        averageXs = buffer(n, 0.0)
        bestCost = buffer(sites, 0.0)
        inS = buffer(sites, 0.0)
        selected = buffer(n, Int32(0))
        bestSelected = buffer(n, Int32(0))
        selectionKeys = buffer(n, 0.0)
        selectionPositions = buffer(n, Int32(0))
        localStart = buffer(n, 0)
        localEnd = buffer(n, 0)
        localDemands = buffer(core.siteDemands.count + 3 * n, Int32(0))
    }

    deinit {
        for pointer in [w, lambdaBest, coverCount, subgradient, direction, trial, cost, averageXs, bestCost, inS, selectionKeys] {
            pointer.deallocate()
        }
        for pointer in [activeGroup, activeIndex, localDemands, position, selected, bestSelected, selectionPositions] { pointer.deallocate() }
        localStart.deallocate()
        localEnd.deallocate()
    }

    /// The node's active groups: not covered by a fixed-in site, with a free site left (core indices, increasing).
    var activeList: [Int32] { Array(UnsafeBufferPointer(start: activeGroup, count: activeCount)) }

    /// c_j at the last evaluation (free sites; 0 for the others).
    func c(_ j: Int) -> Double { position[j] >= 0 ? cost[Int(position[j])] : 0 }

    /// x̄_j of the last run (free sites; 0 for the others).
    func averageX(_ j: Int) -> Double { position[j] >= 0 ? averageXs[Int(position[j])] : 0 }

    /// S of the last evaluation (sites, in no particular order).
    var selectedSites: [Int32] { (0..<picks).map { freeList[Int(selected[$0])] } }

    /// What a node is, once its fixed sites are known.
    enum Preparation {
        /// More sites are fixed in than p, or fewer are free than are still to choose.
        case infeasible
        /// Nothing is left to decide: the fixed-in sites plus the free ones (when exactly as many
        /// as still to choose), or any free ones when no group is active: `sites` (increasing)
        /// with their exact `value`.
        case leaf(sites: [Int32], value: Double)
        /// The relaxation is set up.
        case open
    }

    /// Sets up the node given by `status` (see ``MCLPSiteStatus``).
    func prepare(_ status: [UInt8]) -> Preparation {
        for j in freeList { position[Int(j)] = -1 }
        for r in 0..<picks { inS[Int(selected[r])] = 0 }
        freeList.removeAll(keepingCapacity: true)
        fixedIn.removeAll(keepingCapacity: true)
        for j in 0..<n {
            if status[j] == MCLPSiteStatus.chosen {
                fixedIn.append(Int32(j))
            } else if status[j] == MCLPSiteStatus.free {
                freeList.append(Int32(j))
            }
        }
        for (r, j) in freeList.enumerated() { position[Int(j)] = Int32(r) }
        paddedFree = (freeList.count + 3) / 4 * 4
        for r in freeList.count..<paddedFree {
            cost[r] = 0
            bestCost[r] = 0
        }
        selectionHint = -.infinity
        picks = core.picks - fixedIn.count
        if picks < 0 || freeList.count < picks {
            picks = 0
            return .infeasible
        }
        base = 0
        activeCount = 0
        status.withUnsafeBufferPointer { status in
            core.demandStarts.withUnsafeBufferPointer { starts in
                core.demandSites.withUnsafeBufferPointer { sites in
                    for i in 0..<m {
                        // Bit s set when a site of status s covers the group (no branches).
                        var seen: UInt8 = 0
                        for q in starts[i]..<starts[i + 1] { seen |= 1 &<< status[Int(sites[q])] }
                        let covered = seen & (1 &<< MCLPSiteStatus.chosen) != 0
                        let reachable = seen & (1 &<< MCLPSiteStatus.free) != 0
                        if covered {
                            base += core.weights[i]
                            activeIndex[i] = -1
                        } else if reachable {
                            activeIndex[i] = Int32(activeCount)
                            activeGroup[activeCount] = Int32(i)
                            w[activeCount] = core.weights[i]
                            activeCount += 1
                        } else {
                            activeIndex[i] = -1
                        }
                    }
                }
            }
        }
        paddedCount = (activeCount + 3) / 4 * 4
        for a in activeCount...paddedCount {
            w[a] = 0
            trial[a] = 0
            lambdaBest[a] = 0
        }
        // The free sites' columns restricted to the active groups: what every evaluation reads.
        // Each is followed by entries of the zero slot (active number `paddedCount`, whose λ is
        // always 0, beyond the loops' range) up to a multiple of four entries, so that the
        // gather of c_j reads whole quadruples (see ``gatherSum(_:_:from:to:)``).
        let zeroSlot = Int32(paddedCount)
        var filled = 0
        core.siteStarts.withUnsafeBufferPointer { starts in
            core.siteDemands.withUnsafeBufferPointer { demands in
                for (r, j) in freeList.enumerated() {
                    let j = Int(j)
                    localStart[r] = filled
                    for k in starts[j]..<starts[j + 1] {
                        // Always written, kept when active (filled ≤ k + 3 × the sites before,
                        // so in bounds).
                        let a = activeIndex[Int(demands[k])]
                        localDemands[filled] = a
                        filled &+= a >= 0 ? 1 : 0
                    }
                    localEnd[r] = filled
                    for pad in 0..<3 { localDemands[filled + pad] = zeroSlot }
                    filled = localStart[r] + (filled - localStart[r] + 3) / 4 * 4
                }
            }
        }
        if picks == 0 || freeList.count == picks || activeCount == 0 {
            let sites = (fixedIn + freeList.prefix(picks)).sorted()
            return .leaf(sites: sites, value: core.value(of: sites))
        }
        return .open
    }

    /// The node's fixed-in sites and S, increasing: the Lagrangian choice, a feasible solution.
    func lagrangianChoice() -> [Int32] {
        (fixedIn + selectedSites).sorted()
    }

    /// Evaluates L(λ) for multipliers `lambda` indexed by core group (only the active groups'
    /// entries are read), as ``evaluate(active:)``.
    func evaluate(_ lambda: UnsafePointer<Double>) -> (bound: Double, solution: Double) {
        for a in 0..<activeCount { trial[a] = lambda[Int(activeGroup[a])] }
        return evaluate(active: UnsafePointer(trial))
    }

    /// Evaluates L(λ), λ given by active number, and the value of the Lagrangian choice (B plus
    /// the weight of the active groups S covers). Leaves c, S, #{j ∈ S ∩ N_i} and the
    /// subgradient #{j ∈ S ∩ N_i} − y_i.
    private func evaluate(active lambda: UnsafePointer<Double>) -> (bound: Double, solution: Double) {
        let (w, coverCount) = (w, coverCount)
        // Σ max(0, w_i − λ_i) over 4 lanes (lane l sums the groups a ≡ l mod 4), as every
        // per-group sum here: independent additions instead of one chain.
        var slack = Lanes()
        for a in stride(from: 0, to: paddedCount, by: 4) {
            slack += (Lanes.load(w, a) - Lanes.load(lambda, a)).atLeast(Lanes())
            Lanes().store(coverCount, a)
        }
        let chosen = chooseS(lambda)
        var covered = Lanes()
        for a in stride(from: 0, to: paddedCount, by: 4) {
            covered += subgradient(lambda, a).coveredWeight
        }
        return (base + slack.total + chosen, base + covered.total)
    }

    /// One step of the volume algorithm: evaluates L at the trial point λ − t v clipped to
    /// [0, w] (λ the best multipliers, v the direction, t `step`), stored in `trial`, as
    /// ``evaluate(active:)``, and returns with it v·(v − g), ‖v − g‖² and g·v for the new
    /// subgradient g. The same arithmetic as a trial loop, an evaluation and a loop over v and g
    /// one after the other (the same operations on each lane in the same order: the same bits),
    /// with two passes over the groups instead of four.
    private func evaluateStep(_ step: Double) -> (bound: Double, solution: Double, vd: Double, dd: Double, gv: Double) {
        let (w, coverCount, lambda, trial, direction) = (w, coverCount, lambdaBest, trial, direction)
        let t = Lanes(repeating: step)
        var slack = Lanes()
        for a in stride(from: 0, to: paddedCount, by: 4) {
            let wa = Lanes.load(w, a)
            let moved = (Lanes.load(lambda, a) - t * Lanes.load(direction, a)).atLeast(Lanes()).atMost(wa)
            moved.store(trial, a)
            slack += (wa - moved).atLeast(Lanes())
            Lanes().store(coverCount, a)
        }
        let chosen = chooseS(UnsafePointer(trial))
        var covered = Lanes(), vd = Lanes(), dd = Lanes(), gv = Lanes()
        for a in stride(from: 0, to: paddedCount, by: 4) {
            let (u, weight) = subgradient(UnsafePointer(trial), a)
            covered += weight
            let v = Lanes.load(direction, a)
            let d = v - u
            vd += v * d
            dd += d * d
            gv += u * v
        }
        return (base + slack.total + chosen, base + covered.total, vd.total, dd.total, gv.total)
    }

    /// The middle of an evaluation at `lambda` (active numbers), after the cover counts were
    /// zeroed: c_j for the free sites, S, and #{j ∈ S ∩ N_i}. Returns Σ_{j ∈ S} c_j, summed
    /// over the positions in four lanes (terms c_j · [j ∈ S]): a fixed order that depends on
    /// the set S alone, not on the order ``selectS()`` leaves it in.
    @inline(__always)
    private func chooseS(_ lambda: UnsafePointer<Double>) -> Double {
        evaluations += 1
        let (coverCount, cost, local, localStart, localEnd, inS, selected) = (coverCount, cost, localDemands, localStart, localEnd, inS, selected)
        for r in 0..<freeList.count {
            cost[r] = Self.gatherSum(lambda, local, from: localStart[r], to: localEnd[r])
        }
        selectS()
        var chosen = Lanes()
        for t in 0..<picks {
            let r = Int(selected[t])
            for k in localStart[r]..<localEnd[r] { coverCount[Int(local[k])] += 1 }
        }
        for r in stride(from: 0, to: paddedFree, by: 4) {
            chosen += Lanes.load(inS, r) * Lanes.load(cost, r)
        }
        return chosen.total
    }

    /// The subgradient of groups a..<a + 4 after ``chooseS(_:)``, stored, and the weight of
    /// those S covers. The subproblem's y_i = 1 when w_i > λ_i; at λ_i = w_i either is optimal:
    /// take the one with the smaller subgradient (y_i = 1 when S covers i). Stored is the
    /// subgradient #{j ∈ S ∩ N_i} − y_i. Lane masks, no branches (they mispredict here).
    @inline(__always)
    private func subgradient(_ lambda: UnsafePointer<Double>, _ a: Int) -> (g: Lanes, coveredWeight: Lanes) {
        let wa = Lanes.load(w, a), la = Lanes.load(lambda, a), counts = Lanes.load(coverCount, a)
        let one = Lanes(repeating: 1)
        let hit = counts.atMost(one)
        let y = Lanes().replacing(with: hit, where: wa .== la).replacing(with: 1, where: wa .> la)
        let g = counts - y
        g.store(subgradient, a)
        return (g, hit * wa)
    }

    /// Σ values[index[k]] for k in start..<end, in four interleaved partial sums (k mod 4) added
    /// as (s₀ + s₁) + (s₂ + s₃): independent additions instead of one chain, the evaluation's
    /// hottest loop. The order is fixed, so the result is too.
    ///
    /// Reads whole quadruples: index[end..<start + 4⌈(end − start)/4⌉] must exist and name
    /// values that are +0. Adding +0 to a partial sum (≥ +0: the values are ≥ 0) leaves its bits
    /// unchanged, so the result is that of the sum over start..<end alone, without the branches
    /// of a remainder (they mispredict: the columns' lengths vary).
    @inline(__always)
    static func gatherSum(_ values: UnsafePointer<Double>, _ index: UnsafePointer<Int32>, from start: Int, to end: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = start
        while k < end {
            s0 += values[Int(index[k])]
            s1 += values[Int(index[k + 1])]
            s2 += values[Int(index[k + 2])]
            s3 += values[Int(index[k + 3])]
            k += 4
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// How many sites more than `picks` (or than those of S still missing) the next
    /// evaluation's first pass of ``selectS()`` aims to keep. c changes enough from one
    /// evaluation to the next that with 4, S was not among the kept sites in 37 % of the
    /// evaluations (2,000 × 300, p = 20), with 16 in 10 %; more makes the quickselect longer.
    static let selectionMargin = 16

    /// Selects S, the `picks` free sites of largest c_j (ties to the smaller index, that is
    /// position): sets `selected`, `inS`, `lastInS` and `firstOutside`. The set does not depend on
    /// the hint or on the algorithm's steps.
    ///
    /// c changes little from one evaluation to the next, so a first pass (without branches)
    /// keeps the sites whose c_j reaches the last evaluation's hint, about picks +
    /// ``selectionMargin`` of them. When those kept are at least `picks`, S is among them (every
    /// other site has a smaller c_j than every one kept) and quickselect runs on those few;
    /// otherwise S is those kept and the largest of the others, found by quickselect among the
    /// others (gathered by a second pass).
    private func selectS() {
        let k = picks, count = freeList.count
        let (key, place, cost, selected, inS) = (selectionKeys, selectionPositions, cost, selected, inS)
        for t in 0..<k { inS[Int(selected[t])] = 0 }
        var kept = 0
        let hint = selectionHint
        for r in 0..<count {
            // Always written, kept when c_j ≥ hint (kept ≤ r, so in bounds).
            let c = cost[r]
            key[kept] = c
            place[kept] = Int32(r)
            kept &+= c >= hint ? 1 : 0
        }
        var wanted: Int
        if kept >= k {
            wanted = Swift.min(k + Self.selectionMargin, kept)
            Self.select(wanted, of: kept, key, place)
            Self.select(k, of: wanted, key, place)
            // The largest c_j outside S: of those kept, and of the others (c_j < hint; the
            // padding's 0 may count as one, which changes nothing: some free site is outside S
            // and every c_j ≥ 0).
            var others = Lanes(repeating: -.infinity)
            let floor = Lanes(repeating: hint), none = Lanes(repeating: -.infinity)
            for r in stride(from: 0, to: paddedFree, by: 4) {
                let c = Lanes.load(cost, r)
                others = others.atLeast(c.replacing(with: none, where: c .>= floor))
            }
            firstOutside = Swift.max(Self.maximum(key + k, count: kept - k),
                                     Swift.max(Swift.max(others[0], others[1]), Swift.max(others[2], others[3])))
        } else {
            // All those kept are in S; the others follow them, and the largest of the others
            // make up S.
            var rest = kept
            for r in 0..<count where cost[r] < hint {
                key[rest] = cost[r]
                place[rest] = Int32(r)
                rest += 1
            }
            let missing = k - kept, others = count - kept
            let some = Swift.min(missing + Self.selectionMargin, others)
            Self.select(some, of: others, key + kept, place + kept)
            Self.select(missing, of: some, key + kept, place + kept)
            wanted = kept + some
            firstOutside = Self.maximum(key + k, count: count - k)
        }
        var last = Double.infinity
        for t in 0..<k {
            last = Swift.min(last, key[t])
            selected[t] = place[t]
            inS[Int(place[t])] = 1
        }
        lastInS = last
        // The next hint: the smallest c_j of the `wanted` largest (all free sites: −∞).
        var smallest = Double.infinity
        for t in 0..<wanted { smallest = Swift.min(smallest, key[t]) }
        selectionHint = wanted < count ? smallest : -.infinity
    }

    /// max(values[0..<count]) (−∞ when empty) in four lanes: independent comparisons instead
    /// of one chain. The maximum does not depend on the order.
    static func maximum(_ values: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = Lanes(repeating: -.infinity)
        var r = 0
        while r + 4 <= count {
            lanes = lanes.atLeast(Lanes.load(values, r))
            r += 4
        }
        var result = Swift.max(Swift.max(lanes[0], lanes[1]), Swift.max(lanes[2], lanes[3]))
        while r < count {
            result = Swift.max(result, values[r])
            r += 1
        }
        return result
    }

    /// Puts the `k` first entries of (key, place)[0..<count] in the order "larger key, or equal
    /// key and smaller place" first, in no particular order among themselves, by quickselect
    /// (median of three, Hoare partitions).
    static func select(_ k: Int, of count: Int, _ key: UnsafeMutablePointer<Double>, _ place: UnsafeMutablePointer<Int32>) {
        // Entry r precedes a site of c = cy and place y when c is larger, or equal with a
        // smaller place.
        @inline(__always) func before(_ r: Int, _ cy: Double, _ y: Int32) -> Bool {
            let cx = key[r]
            return cx > cy || (cx == cy && place[r] < y)
        }
        @inline(__always) func after(_ r: Int, _ cy: Double, _ y: Int32) -> Bool {
            let cx = key[r]
            return cx < cy || (cx == cy && place[r] > y)
        }
        @inline(__always) func swap(_ r: Int, _ q: Int) {
            let t = key[r], u = place[r]
            key[r] = key[q]
            place[r] = place[q]
            key[q] = t
            place[q] = u
        }
        guard k > 0, k < count else { return }
        var low = 0, high = count - 1
        while low < high {
            // Median of three as the pivot.
            let mid = low + (high - low) / 2
            if before(mid, key[low], place[low]) { swap(mid, low) }
            if before(high, key[low], place[low]) { swap(high, low) }
            if before(high, key[mid], place[mid]) { swap(high, mid) }
            let pivot = place[mid], pivotKey = key[mid]
            var i = low, j = high
            while i <= j {
                while before(i, pivotKey, pivot) { i += 1 }
                while after(j, pivotKey, pivot) { j -= 1 }
                if i <= j {
                    swap(i, j)
                    i += 1
                    j -= 1
                }
            }
            // [low...j] precede or equal the pivot, [i...high] follow or equal it.
            if k - 1 <= j {
                high = j
            } else if k - 1 >= i {
                low = i
            } else {
                break
            }
        }
    }

    /// Minimises L over λ from `lambda` by the volume algorithm (Barahona & Anbil 2000, "The
    /// volume algorithm: producing primal solutions with a subgradient method", Mathematical
    /// Programming 87:385–399), a subgradient method that steps along v, an exponentially
    /// smoothed subgradient which is also the subgradient at the running average (x̄, ȳ) of the
    /// subproblem's solutions. Polyak steps t = θ (L̄ − incumbent) / ‖v‖² from the best point
    /// L̄ so far, the components of v that would push λ_i out of [0, w_i] left out of the norm
    /// (Beasley 1990); the centre moves only when L improves; θ grows by 1.1 after a step that
    /// improves and still descends along −v, and shrinks by 0.66 after `patience` steps without
    /// improvement. The average's weight α minimises ‖α g + (1 − α) v‖ within [α_max/10, α_max],
    /// α_max = 0.1.
    ///
    /// Stops early when the bound closes the node. Every evaluation's Lagrangian choice is a
    /// feasible solution: `found(iteration, value, relaxation)` sees each (the choice is the
    /// relaxation's ``lagrangianChoice()``) and returns the incumbent value to use from then on.
    ///
    /// Leaves the best multipliers in `lambda`, c and S at them, x̄ (``averageX(_:)``); returns
    /// the best L.
    func minimise(
        _ lambdaArray: inout [Double], schedule: MCLPSchedule, pruning initial: MCLPPruning,
        found: (Int, Double, MCLPRelaxation) -> Double
    ) -> Double {
        let alphaMaximum = 0.1
        var pruning = initial
        let (w, g, direction, trial, averageX, lambda) = (w, subgradient, direction, trial, averageXs, lambdaBest)
        let count = activeCount, padded = paddedCount
        lambdaArray.withUnsafeBufferPointer { full in
            for a in 0..<count { lambda[a] = full[Int(activeGroup[a])] }
        }
        var value = evaluate(active: lambda)
        var best = value.bound
        keepBest(solution: value.solution)
        pruning.incumbent = found(0, value.solution, self)
        let (freeCount, selected) = (freeList.count, selected)
        for r in 0..<freeCount { averageX[r] = 0 }
        for t in 0..<picks { averageX[Int(selected[t])] = 1 }
        direction.update(from: g, count: padded)
        var norm = movableNorm()
        let one = Lanes(repeating: 1)
        var theta = schedule.theta
        var stalled = 0
        var iteration = 1
        while iteration < schedule.iterations && !pruning.cannotImprove(best) {
            // ‖v‖² over the components that can move (computed with the last direction update).
            if norm < 1e-18 { break }  // (x̄, ȳ) is optimal for the LP: L is as low as it gets
            let step = evaluateStep(theta * Swift.max(best - pruning.incumbent, pruning.tolerance) / norm)
            value = (step.bound, step.solution)
            let alpha = step.dd > 0 ? Swift.min(alphaMaximum, Swift.max(alphaMaximum / 10, step.vd / step.dd)) : alphaMaximum
            let (newWeight, oldWeight) = (Lanes(repeating: alpha), one - Lanes(repeating: alpha))
            // v ← α g + (1 − α) v; λ ← the trial point when L improved; then ‖v‖² over the
            // components of the new v that can move from the new λ (those that would push λ_i
            // out of [0, w_i] are left out), for the next step.
            let improved = value.bound < best
            var squares = Lanes()
            for a in stride(from: 0, to: padded, by: 4) {
                let v = newWeight * Lanes.load(g, a) + oldWeight * Lanes.load(direction, a)
                v.store(direction, a)
                let l = improved ? Lanes.load(trial, a) : Lanes.load(lambda, a)
                l.store(lambda, a)
                squares += Self.movableSquare(v, l, Lanes.load(w, a))
            }
            norm = squares.total
            for r in 0..<freeCount { averageX[r] *= 1 - alpha }
            for t in 0..<picks { averageX[Int(selected[t])] += alpha }
            if improved {
                best = value.bound
                keepBest(solution: value.solution)
                if step.gv > 0 { theta = Swift.min(2, theta * 1.1) }
                stalled = 0
            } else {
                stalled += 1
                if stalled >= schedule.patience {
                    theta *= 0.66
                    stalled = 0
                    if theta < schedule.minimumTheta { break }
                }
            }
            pruning.incumbent = found(iteration, value.solution, self)
            iteration += 1
        }
        // c and S at the best multipliers, for fixing and branching.
        restoreBest()
        _ = found(iteration, bestSolution, self)
        lambdaArray.withUnsafeMutableBufferPointer { full in
            for a in 0..<count { full[Int(activeGroup[a])] = lambda[a] }
        }
        return best
    }

    /// ‖v‖² over the components of the direction v that can move from the best multipliers λ:
    /// those that would push λ_i out of [0, w_i] are left out.
    private func movableNorm() -> Double {
        var squares = Lanes()
        for a in stride(from: 0, to: paddedCount, by: 4) {
            let v = Lanes.load(direction, a), l = Lanes.load(lambdaBest, a)
            squares += Self.movableSquare(v, l, Lanes.load(w, a))
        }
        return squares.total
    }

    /// v_i² where λ_i can move along −v_i within [0, w_i], 0 where it cannot (v_i > 0 at λ_i = 0,
    /// or v_i < 0 at λ_i = w_i): λ_i ∈ [0, w_i], so the room left is λ_i when v_i > 0 and
    /// w_i − λ_i otherwise (exactly 0 when λ_i = w_i), and v_i² is 0 anyway when v_i = 0. One
    /// select instead of four comparisons and their masks' logic.
    @inline(__always)
    fileprivate static func movableSquare(_ v: Lanes, _ l: Lanes, _ w: Lanes) -> Lanes {
        let room = (w - l).replacing(with: l, where: v .> Lanes())
        return (v * v).replacing(with: Lanes(), where: room .<= Lanes())
    }

    /// Keeps c, S, its bounds and the choice's value of the evaluation just made (c by swapping
    /// buffers: the next evaluation writes every free site's c anew).
    private func keepBest(solution: Double) {
        swap(&cost, &bestCost)
        bestSelected.update(from: selected, count: picks)
        bestLastInS = lastInS
        bestFirstOutside = firstOutside
        bestSolution = solution
    }

    /// Puts back what ``keepBest(solution:)`` kept: the state of an evaluation at those
    /// multipliers. Once a run, after its last ``keepBest(solution:)``: when that was the last
    /// evaluation, c is in `bestCost` (swapped there), otherwise too.
    private func restoreBest() {
        swap(&cost, &bestCost)
        for t in 0..<picks { inS[Int(selected[t])] = 0 }
        selected.update(from: bestSelected, count: picks)
        for t in 0..<picks { inS[Int(selected[t])] = 1 }
        lastInS = bestLastInS
        firstOutside = bestFirstOutside
    }

    /// Fixing by reduced costs, with c and S at the multipliers that gave `bound`: forcing a free
    /// j ∉ S in bounds the node by L − min_S c + c_j, forcing j ∈ S out by L − c_j + max_{∉S} c.
    /// Sites whose forced change cannot beat the incumbent are fixed the other way in `status`.
    /// Returns whether anything was fixed.
    func fixByReducedCosts(bound: Double, pruning: MCLPPruning, status: inout [UInt8]) -> Bool {
        guard picks > 0, freeList.count > picks else { return false }
        var changed = false
        for (r, j) in freeList.enumerated() {
            if inS[r] == 0 {
                if pruning.cannotImprove(bound - lastInS + cost[r]) {
                    status[Int(j)] = MCLPSiteStatus.excluded
                    changed = true
                }
            } else if pruning.cannotImprove(bound - cost[r] + firstOutside) {
                status[Int(j)] = MCLPSiteStatus.chosen
                changed = true
            }
        }
        return changed
    }
}

/// Four doubles of a per-group buffer, processed together (SIMD).
fileprivate typealias Lanes = SIMD4<Double>

fileprivate extension SIMD4 where Scalar == Double {
    /// `pointer[a..<a + 4]`.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Double>, _ a: Int) -> Self {
        UnsafeRawPointer(pointer + a).loadUnaligned(as: Self.self)
    }

    /// Writes the four values to `pointer[a..<a + 4]`.
    @inline(__always)
    func store(_ pointer: UnsafeMutablePointer<Double>, _ a: Int) {
        UnsafeMutableRawPointer(pointer + a).storeBytes(of: self, as: Self.self)
    }

    /// max(self, bound) lane by lane (`pointwiseMax` is not inlined).
    @inline(__always)
    func atLeast(_ bound: Self) -> Self { replacing(with: bound, where: self .< bound) }

    /// min(self, bound) lane by lane.
    @inline(__always)
    func atMost(_ bound: Self) -> Self { replacing(with: bound, where: self .> bound) }

    /// (x₀ + x₁) + (x₂ + x₃): the lanes' partial sums added in a fixed order.
    @inline(__always)
    var total: Double { (self[0] + self[1]) + (self[2] + self[3]) }
}
