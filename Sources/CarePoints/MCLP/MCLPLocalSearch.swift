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
    /// chosen, the swap that gains most (ties to the earlier candidate, then the earlier chosen
    /// position), while some swap gains more than `tolerance`. Returns the value of the final
    /// choice (Σ w_i covered, in group order).
    ///
    /// The gain of swapping `in` for `out` is add(in) − loss(out) + extra(in, out), where add(in)
    /// is the uncovered weight `in` covers, loss(out) the weight only `out` covers, and
    /// extra(in, out) the weight only `out` covers that `in` covers too (Whitaker's fast
    /// interchange). Each group contributes to these tables according to how many chosen sites
    /// cover it and which one when it is one; after a swap only the groups covered by the two
    /// swapped sites change, so their contributions alone are taken out and put back: a pass costs
    /// O(sites × picks) for the scan plus the coverage of the two sites' groups.
    @discardableResult
    static func interchange(_ core: MCLPCore, chosen: inout [Int32], locked: [Bool], allowed: [Bool], tolerance: Double) -> Double {
        let n = core.siteCount, m = core.demandCount, k = chosen.count
        guard k > 0 else { return core.value(of: chosen) }
        let position = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let count = UnsafeMutablePointer<Int32>.allocate(capacity: m)
        let sole = UnsafeMutablePointer<Int32>.allocate(capacity: m)
        let mark = UnsafeMutablePointer<Int32>.allocate(capacity: m)
        // Positions padded to whole vectors of four: the scan reads loss and each row of extra
        // four positions at a time.
        let rowLength = (k + 3) / 4 * 4
        let loss = UnsafeMutablePointer<Double>.allocate(capacity: rowLength)
        let add = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let extra = UnsafeMutablePointer<Double>.allocate(capacity: n * rowLength)
        // The largest gain of each site's row in the current pass (−∞: not a candidate).
        let rowBest = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer {
            for pointer in [loss, add, extra, rowBest] { pointer.deallocate() }
            for pointer in [position, count, sole, mark] { pointer.deallocate() }
        }
        position.initialize(repeating: -1, count: n)
        mark.initialize(repeating: -1, count: m)
        // A locked position, and a padding one, never leaves: its loss is +∞, so every gain of
        // swapping it out is −∞ (adding or taking away finite weights keeps it +∞).
        loss.initialize(repeating: .infinity, count: rowLength)
        for p in 0..<k where !locked[Int(chosen[p])] { loss[p] = 0 }
        add.initialize(repeating: 0, count: n)
        extra.initialize(repeating: 0, count: n * rowLength)
        for (p, j) in chosen.enumerated() { position[Int(j)] = Int32(p) }
        core.demandStarts.withUnsafeBufferPointer { starts in
            core.demandSites.withUnsafeBufferPointer { sites in
                core.siteStarts.withUnsafeBufferPointer { columnStarts in
                    core.siteDemands.withUnsafeBufferPointer { columns in
                        core.weights.withUnsafeBufferPointer { weights in
                            // Group i's contribution to add, loss and extra, with `sign` +1 or −1.
                            @inline(__always) func contribute(_ i: Int, _ sign: Double) {
                                let w = sign * weights[i]
                                if count[i] == 0 {
                                    for q in starts[i]..<starts[i + 1] { add[Int(sites[q])] += w }
                                } else if count[i] == 1 {
                                    let out = Int(position[Int(sole[i])])
                                    loss[out] += w
                                    for q in starts[i]..<starts[i + 1] { extra[Int(sites[q]) * rowLength + out] += w }
                                }
                            }
                            @inline(__always) func recount(_ i: Int) {
                                // Without branches: whether a site is chosen is unpredictable.
                                var c: Int32 = 0, s: Int32 = -1
                                for q in starts[i]..<starts[i + 1] {
                                    let site = sites[q]
                                    let isChosen = position[Int(site)] >= 0
                                    c &+= isChosen ? 1 : 0
                                    s = isChosen ? site : s
                                }
                                count[i] = c
                                sole[i] = s
                            }
                            for i in 0..<m {
                                recount(i)
                                contribute(i, 1)
                            }
                            var passes = 0
                            while true {
                                passes += 1
                                // The swap of largest gain (a − loss) + extra above `tolerance`, the
                                // first in (site, position) order among equal gains: first the
                                // largest gain of each site's row (four positions at a time, no
                                // indices carried), then the first site whose row reaches the
                                // largest of all, and in its row the first position that does
                                // (the same arithmetic, so the same gains, bit for bit).
                                var largest = -Double.infinity
                                for j in 0..<n {
                                    guard allowed[j] && position[j] < 0 else {
                                        rowBest[j] = -.infinity
                                        continue
                                    }
                                    let row = extra + j * rowLength
                                    let a = SIMD4<Double>(repeating: add[j])
                                    var best = SIMD4<Double>(repeating: -.infinity)
                                    for p in stride(from: 0, to: rowLength, by: 4) {
                                        let lost = UnsafeRawPointer(loss + p).loadUnaligned(as: SIMD4<Double>.self)
                                        let kept = UnsafeRawPointer(row + p).loadUnaligned(as: SIMD4<Double>.self)
                                        let gain = (a - lost) + kept
                                        best.replace(with: gain, where: gain .> best)
                                    }
                                    let rowLargest = Swift.max(Swift.max(best[0], best[1]), Swift.max(best[2], best[3]))
                                    rowBest[j] = rowLargest
                                    largest = Swift.max(largest, rowLargest)
                                }
                                guard largest > tolerance, passes <= 10 * (k + 10) else { break }
                                var bestIndex = -1
                                for j in 0..<n where rowBest[j] == largest {
                                    let row = extra + j * rowLength
                                    for p in 0..<rowLength where (add[j] - loss[p]) + row[p] == largest {
                                        bestIndex = j * rowLength + p
                                        break
                                    }
                                    break
                                }
                                let bestIn = bestIndex / rowLength, bestOut = bestIndex % rowLength
                                // The groups of the two sites: take out, swap, recount, put back.
                                let old = Int(chosen[bestOut])
                                var affected: [Int] = []
                                for site in [old, bestIn] {
                                    for e in columnStarts[site]..<columnStarts[site + 1] {
                                        let i = Int(columns[e])
                                        if mark[i] != Int32(passes) {
                                            mark[i] = Int32(passes)
                                            affected.append(i)
                                        }
                                    }
                                }
                                for i in affected { contribute(i, -1) }
                                position[old] = -1
                                position[bestIn] = Int32(bestOut)
                                chosen[bestOut] = Int32(bestIn)
                                for i in affected {
                                    recount(i)
                                    contribute(i, 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        chosen.sort()
        return core.value(of: chosen)
    }
}
