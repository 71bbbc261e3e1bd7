/// Primal heuristics of the MCLP search: greedy adding and the 1-opt vertex interchange of Teitz &
/// Bart (1968, "Heuristic methods for estimating the generalized vertex median of a weighted
/// graph", Operations Research 16:955–961), as Church & ReVelle (1974) used them for the MCLP.
///
/// Both respect the sites fixed at the root of the search: `locked` sites are always chosen, only
/// `allowed` sites are ever added. Ties go to the smaller index, so results are deterministic.
enum MCLPLocalSearch {
    /// Starts from the locked sites and adds, `core.picks` times in all, the allowed site that
    /// covers the most weight not yet covered.
    static func greedy(_ core: MCLPCore, locked: [Bool], allowed: [Bool]) -> [Int32] {
        let n = core.siteCount
        var chosen: [Int32] = (0..<n).filter { locked[$0] }.map { Int32($0) }
        var isChosen = locked
        var covered = [Bool](repeating: false, count: core.demandCount)
        var gain = [Double](repeating: 0, count: n)
        func cover(_ j: Int) {
            for k in core.siteStarts[j]..<core.siteStarts[j + 1] {
                let i = Int(core.siteDemands[k])
                if covered[i] { continue }
                covered[i] = true
                for q in core.demandStarts[i]..<core.demandStarts[i + 1] { gain[Int(core.demandSites[q])] -= core.weights[i] }
            }
        }
        for j in 0..<n {
            for k in core.siteStarts[j]..<core.siteStarts[j + 1] { gain[j] += core.weights[Int(core.siteDemands[k])] }
        }
        for j in chosen { cover(Int(j)) }
        while chosen.count < core.picks {
            var best = -1
            for j in 0..<n where allowed[j] && !isChosen[j] && (best < 0 || gain[j] > gain[best]) { best = j }
            guard best >= 0 else { break }
            isChosen[best] = true
            chosen.append(Int32(best))
            cover(best)
        }
        return chosen.sorted()
    }

    /// Best-improvement interchange: replaces one chosen, unlocked site by one allowed site not
    /// chosen, the swap that gains most, while some swap gains more than `tolerance`. Returns the
    /// value of the final choice (Σ w_i covered, in group order).
    ///
    /// Every pass costs O(non-zeros + sites × picks): the gain of swapping `in` for `out` is
    /// add(in) − loss(out) + extra(in, out), where add(in) is the uncovered weight `in` covers,
    /// loss(out) the weight only `out` covers, and extra(in, out) the weight only `out` covers
    /// that `in` covers too (Whitaker's fast interchange).
    @discardableResult
    static func interchange(_ core: MCLPCore, chosen: inout [Int32], locked: [Bool], allowed: [Bool], tolerance: Double) -> Double {
        let n = core.siteCount, m = core.demandCount, k = chosen.count
        var position = [Int](repeating: -1, count: n)
        var count = [Int32](repeating: 0, count: m)
        var sole = [Int32](repeating: -1, count: m)
        var loss = [Double](repeating: 0, count: k)
        var add = [Double](repeating: 0, count: n)
        var extra = [Double](repeating: 0, count: n * k)
        var passes = 0
        while true {
            passes += 1
            for j in 0..<n { position[j] = -1 }
            for (p, j) in chosen.enumerated() { position[Int(j)] = p }
            for i in 0..<m {
                var c: Int32 = 0, s: Int32 = -1
                for q in core.demandStarts[i]..<core.demandStarts[i + 1] where position[Int(core.demandSites[q])] >= 0 {
                    c += 1
                    s = core.demandSites[q]
                }
                count[i] = c
                sole[i] = s
            }
            for p in 0..<k { loss[p] = 0 }
            for j in 0..<n { add[j] = 0 }
            for e in extra.indices { extra[e] = 0 }
            for i in 0..<m {
                let w = core.weights[i]
                if count[i] == 0 {
                    for q in core.demandStarts[i]..<core.demandStarts[i + 1] { add[Int(core.demandSites[q])] += w }
                } else if count[i] == 1 {
                    let out = position[Int(sole[i])]
                    loss[out] += w
                    for q in core.demandStarts[i]..<core.demandStarts[i + 1] {
                        let j = Int(core.demandSites[q])
                        if position[j] < 0 { extra[j * k + out] += w }
                    }
                }
            }
            var bestGain = tolerance, bestIn = -1, bestOut = -1
            for j in 0..<n where allowed[j] && position[j] < 0 {
                for p in 0..<k where !locked[Int(chosen[p])] {
                    let gain = add[j] - loss[p] + extra[j * k + p]
                    if gain > bestGain {
                        bestGain = gain
                        bestIn = j
                        bestOut = p
                    }
                }
            }
            if bestIn < 0 || passes > 10 * (k + 10) { break }
            chosen[bestOut] = Int32(bestIn)
        }
        chosen.sort()
        return core.value(of: chosen)
    }
}
