/// The problem the search works on: demand groups with weights and coverage sets, over the
/// candidate sites that are left, both ways round in compressed sparse row form.
///
/// Thread safety: an immutable value; share it freely.
struct MCLPCore: Sendable {
    /// The weight of each demand group.
    let weights: [Double]
    /// Row i (the sites covering group i) is `demandSites[demandStarts[i]..<demandStarts[i + 1]]`, increasing.
    let demandStarts: [Int]
    let demandSites: [Int32]
    /// Column j (the groups site j covers) is `siteDemands[siteStarts[j]..<siteStarts[j + 1]]`, increasing.
    let siteStarts: [Int]
    let siteDemands: [Int32]
    /// How many sites to choose.
    let picks: Int
    /// The problem's index of each site.
    let siteIndex: [Int]
    /// Σ weights.
    let totalWeight: Double
    /// Every weight is a whole number and the total is exact in a Double: then any objective value
    /// is a whole number and a bound can be rounded down.
    let integral: Bool

    var demandCount: Int { weights.count }
    var siteCount: Int { siteIndex.count }

    /// A core from rows (sites increasing within each row).
    init(weights: [Double], rows: [[Int32]], siteIndex: [Int], picks: Int) {
        self.weights = weights
        var starts = [0]
        starts.reserveCapacity(rows.count + 1)
        var flat: [Int32] = []
        for row in rows {
            flat += row
            starts.append(flat.count)
        }
        demandStarts = starts
        demandSites = flat
        let n = siteIndex.count
        var columnStarts = [Int](repeating: 0, count: n + 1)
        for j in flat { columnStarts[Int(j) + 1] += 1 }
        for j in 0..<n { columnStarts[j + 1] += columnStarts[j] }
        var cursor = columnStarts
        var columns = [Int32](repeating: 0, count: flat.count)
        for i in rows.indices {
            for j in rows[i] {
                columns[cursor[Int(j)]] = Int32(i)
                cursor[Int(j)] += 1
            }
        }
        siteStarts = columnStarts
        siteDemands = columns
        self.picks = picks
        self.siteIndex = siteIndex
        var total = 0.0
        for w in weights { total += w }
        totalWeight = total
        integral = total < 9.0e15 && weights.allSatisfy { $0 == $0.rounded(.down) }
    }

    /// Σ w_i over the groups covered by `sites` (core indices), in group order.
    ///
    /// Without branches (whether a site is chosen is unpredictable): a group not covered adds
    /// +0, which leaves the sum's bits as they are (the sum is ≥ +0), so the result is that of
    /// adding the covered groups' weights alone, in group order.
    func value(of sites: [Int32]) -> Double {
        var chosen = [UInt8](repeating: 0, count: siteCount)
        for j in sites { chosen[Int(j)] = 1 }
        var total = 0.0
        chosen.withUnsafeBufferPointer { chosen in
            demandStarts.withUnsafeBufferPointer { starts in
                demandSites.withUnsafeBufferPointer { rows in
                    weights.withUnsafeBufferPointer { weights in
                        for i in 0..<weights.count {
                            var hit: UInt8 = 0
                            for k in starts[i]..<starts[i + 1] { hit |= chosen[Int(rows[k])] }
                            total += hit != 0 ? weights[i] : 0
                        }
                    }
                }
            }
        }
        return total
    }
}

/// Problem reduction before the search.
///
/// With p' = p − |forced| sites still to choose, in this order:
/// 1. excluded sites are struck from every coverage set; a demand point that a forced site covers is
///    covered by every solution (its weight is counted once, up front) and leaves; so do demand
///    points of weight 0 and those no site that may still be chosen covers;
/// 2. demand points with the same coverage set are merged into one group whose weight is the sum
///    (the objective only sees the set);
/// 3. dominated sites leave. Site j is dominated when its coverage set C_j (over the groups left)
///    is a proper subset of another site's, or equal to that of a site with a smaller index. This
///    relation is a strict partial order, so every dominated site is dominated by a non-dominated
///    one; call the non-dominated sites D.
///    - If |D| ≥ p', some optimal solution uses D only: take an optimal S with a dominated j ∈ S,
///      and k ∈ D dominating it. If k ∉ S, S − j + k covers at least as much (C_j ⊆ C_k). If k ∈ S,
///      C_j ⊆ C_k adds nothing, so S − j + m covers at least as much for any m ∈ D \ S, which
///      exists because |S ∩ D| ≤ p' − 1 < |D|. Each step puts one more site of D in S. So the
///      dominated sites can go. (With |D| < p' they could not: "exactly p" would then force the
///      choice of a dominated site.)
///    - If |D| < p', D covers every group left (each group's set holds some site, and that site is,
///      or is dominated by, a site of D that covers the group too): choosing D and any p' − |D|
///      further sites is optimal, and the problem is solved without search;
/// 4. coverage sets are restricted to D, groups that became identical are merged again, and a
///    group covered by every site of D is covered by every solution (p' ≥ 1): it is counted up
///    front and leaves. (No new domination arises: removing such groups takes the same elements
///    from every set.)
enum MCLPPreprocessing {
    enum Outcome {
        /// Solved without search: `chosen` (problem indices, increasing, exactly p).
        case solved(chosen: [Int])
        /// The search must choose `core.picks` sites of `core`, on top of the `fixed` ones (forced,
        /// problem indices); `offset` is the weight covered whatever is chosen. `rootStatus` gives
        /// sites fixed before the search (only without preprocessing: forced and excluded sites).
        case reduced(core: MCLPCore, fixed: [Int], offset: Double, rootStatus: [UInt8])
    }

    /// The reduction described above.
    static func reduce(_ problem: MCLPProblem) -> Outcome {
        let m = problem.demandCount, n = problem.candidateCount
        var allowed = [Bool](repeating: true, count: n)
        for j in problem.excluded { allowed[j] = false }
        var forced = [Bool](repeating: false, count: n)
        for j in problem.forced { forced[j] = true }
        let remaining = problem.p - problem.forced.count
        if remaining == 0 { return .solved(chosen: problem.forced) }

        // 1, 2: groups of demand points by their coverage set over the free sites.
        var offset = 0.0
        var groupOf: [[Int32]: Int] = [:]
        var groupRows: [[Int32]] = []
        var groupWeights: [Double] = []
        for i in 0..<m where problem.weights[i] > 0 {
            let set = problem.coverage(ofDemand: i)
            if set.contains(where: { forced[Int($0)] }) {
                offset += problem.weights[i]
                continue
            }
            let row = set.filter { allowed[Int($0)] }
            if row.isEmpty { continue }
            if let g = groupOf[row] {
                groupWeights[g] += problem.weights[i]
            } else {
                groupOf[row] = groupRows.count
                groupRows.append(row)
                groupWeights.append(problem.weights[i])
            }
        }
        let free = (0..<n).filter { allowed[$0] && !forced[$0] }

        // 3: domination among the free sites, over the groups.
        var columns = [[Int32]](repeating: [], count: n)
        for (g, row) in groupRows.enumerated() {
            for j in row { columns[Int(j)].append(Int32(g)) }
        }
        var count = [Int](repeating: 0, count: n)
        var touched: [Int] = []
        var kept: [Int] = []
        for j in free {
            let column = columns[j]
            var dominated = false
            if column.isEmpty {
                // ⊆ every set: dominated by any site covering something, or by a smaller index.
                dominated = free.contains { $0 != j && (!columns[$0].isEmpty || $0 < j) }
            } else {
                touched.removeAll(keepingCapacity: true)
                for g in column {
                    for k in groupRows[Int(g)] where Int(k) != j {
                        if count[Int(k)] == 0 { touched.append(Int(k)) }
                        count[Int(k)] += 1
                    }
                }
                for k in touched {
                    if count[k] == column.count && (columns[k].count > column.count || k < j) { dominated = true }
                    count[k] = 0
                }
            }
            if !dominated { kept.append(j) }
        }
        if kept.count < remaining {
            // D covers every group: take D and fill up with the smallest free indices.
            var chosen = Set(problem.forced).union(kept)
            for j in free where chosen.count < problem.p { chosen.insert(j) }
            return .solved(chosen: chosen.sorted())
        }

        // 4: restrict to D, merge again, count groups that every site of D covers.
        var coreIndex = [Int32](repeating: -1, count: n)
        for (c, j) in kept.enumerated() { coreIndex[j] = Int32(c) }
        var mergedOf: [[Int32]: Int] = [:]
        var rows: [[Int32]] = []
        var weights: [Double] = []
        for (g, row) in groupRows.enumerated() {
            let restricted = row.compactMap { coreIndex[Int($0)] >= 0 ? coreIndex[Int($0)] : nil }
            if restricted.count == kept.count {
                offset += groupWeights[g]
                continue
            }
            if let h = mergedOf[restricted] {
                weights[h] += groupWeights[g]
            } else {
                mergedOf[restricted] = rows.count
                rows.append(restricted)
                weights.append(groupWeights[g])
            }
        }
        let core = MCLPCore(weights: weights, rows: rows, siteIndex: kept, picks: remaining)
        return .reduced(core: core, fixed: problem.forced, offset: offset,
                        rootStatus: [UInt8](repeating: MCLPSiteStatus.free, count: kept.count))
    }

    /// The problem as it is, for checking the reduction: every demand point and every site, forced
    /// and excluded sites fixed at the root of the search.
    static func unreduced(_ problem: MCLPProblem) -> Outcome {
        let rows = (0..<problem.demandCount).map { Array(problem.coverage(ofDemand: $0)) }
        let core = MCLPCore(weights: problem.weights, rows: rows, siteIndex: Array(0..<problem.candidateCount), picks: problem.p)
        var status = [UInt8](repeating: MCLPSiteStatus.free, count: problem.candidateCount)
        for j in problem.forced { status[j] = MCLPSiteStatus.chosen }
        for j in problem.excluded { status[j] = MCLPSiteStatus.excluded }
        return .reduced(core: core, fixed: [], offset: 0, rootStatus: status)
    }
}

/// The state of a site in a search node.
enum MCLPSiteStatus {
    static let free: UInt8 = 0
    static let chosen: UInt8 = 1
    static let excluded: UInt8 = 2
}
