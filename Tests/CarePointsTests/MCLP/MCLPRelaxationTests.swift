@testable import CarePoints
import Testing
import TestSupport

/// The Lagrangian relaxation's arithmetic (4-lane loops over zero-padded group buffers, the
/// gathered c_j, the kept best state of a volume run) against direct computations.
@Suite struct MCLPRelaxationTests {
    /// A random core: `groups` groups with whole weights 1…50, each covered by 1…4 of `sites`
    /// sites (increasing, no repeats), `picks` sites to choose.
    static func core(groups: Int, sites: Int, picks: Int, rng: inout SplitMix64) -> MCLPCore {
        var rows: [[Int32]] = []
        for _ in 0..<groups {
            var row = Set<Int32>()
            for _ in 0..<rng.int(1...4) { row.insert(Int32(rng.int(0...(sites - 1)))) }
            rows.append(row.sorted())
        }
        let weights = (0..<groups).map { _ in Double(rng.int(1...50)) }
        return MCLPCore(weights: weights, rows: rows, siteIndex: Array(0..<sites), picks: picks)
    }

    /// L(λ) of the node `status`, computed directly from the definition (see `MCLPRelaxation`):
    /// B + Σ_{i active} max(0, w_i − λ_i) + the q largest c_j over the free sites.
    static func directBound(_ core: MCLPCore, status: [UInt8], lambda: [Double]) -> Double {
        var base = 0.0, slack = 0.0
        var c = [Double](repeating: 0, count: core.siteCount)
        for i in 0..<core.demandCount {
            let row = core.demandSites[core.demandStarts[i]..<core.demandStarts[i + 1]].map(Int.init)
            if row.contains(where: { status[$0] == MCLPSiteStatus.chosen }) {
                base += core.weights[i]
            } else if row.contains(where: { status[$0] == MCLPSiteStatus.free }) {
                slack += max(0, core.weights[i] - lambda[i])
                for j in row { c[j] += lambda[i] }
            }
        }
        let q = core.picks - status.filter { $0 == MCLPSiteStatus.chosen }.count
        let free = (0..<core.siteCount).filter { status[$0] == MCLPSiteStatus.free }.map { c[$0] }.sorted(by: >)
        return base + slack + free.prefix(q).reduce(0, +)
    }

    /// Σ values[index[k]] over every range of a 13-entry index, with values 2^t: every partial sum
    /// is exact, so the four interleaved partial sums must give exactly the plain sum. Each range
    /// is padded as `prepare` pads a column: up to a multiple of four with a slot whose value is 0.
    @Test func gatheredSumsAreExact() {
        let values = (0..<16).map { Double(1 << $0) } + [0]
        let zeroSlot: Int32 = 16
        let index: [Int32] = [3, 0, 15, 7, 7, 2, 9, 11, 0, 14, 5, 1, 8]
        for start in 0...index.count {
            for end in start...index.count {
                let expected = index[start..<end].reduce(0.0) { $0 + values[Int($1)] }
                // Zero slots to the next multiple of four (and beyond: never read, and never empty).
                let padded = Array(index[start..<end]) + Array(repeating: zeroSlot, count: (4 - (end - start) % 4) % 4 + 4)
                let sum = values.withUnsafeBufferPointer { v in
                    padded.withUnsafeBufferPointer { x in
                        MCLPRelaxation.gatherSum(v.baseAddress!, x.baseAddress!, from: 0, to: end - start)
                    }
                }
                #expect(sum == expected, "\(start)..<\(end)")
            }
        }
    }

    /// L(λ) and the Lagrangian choice's value agree with the direct computation for nodes with
    /// sites fixed in and out, active group counts of every remainder mod 4 (the padding), and λ
    /// inside and outside [0, w] (ties λ_i = w_i included).
    @Test(arguments: 1...8)
    func evaluationMatchesTheDefinition(seed: Int) {
        var rng = SplitMix64(state: 900 + UInt64(seed))
        for groups in 1...11 {
            let core = Self.core(groups: groups, sites: 7, picks: 3, rng: &rng)
            let relaxation = MCLPRelaxation(core: core)
            for _ in 0..<6 {
                var status = [UInt8](repeating: MCLPSiteStatus.free, count: core.siteCount)
                for j in 0..<core.siteCount {
                    let r = rng.uniform()
                    if r < 0.1 { status[j] = MCLPSiteStatus.chosen } else if r < 0.25 { status[j] = MCLPSiteStatus.excluded }
                }
                guard case .open = relaxation.prepare(status) else { continue }
                let lambda = core.weights.map { w -> Double in
                    let r = rng.uniform()
                    return r < 0.2 ? w : r < 0.3 ? 0 : 1.5 * w * rng.uniform()
                }
                let value = lambda.withUnsafeBufferPointer { relaxation.evaluate($0.baseAddress!) }
                let expected = Self.directBound(core, status: status, lambda: lambda)
                #expect(abs(value.bound - expected) <= 1e-9 * max(1, expected), "seed \(seed), \(groups) groups")
                #expect(value.solution == core.value(of: relaxation.lagrangianChoice()), "seed \(seed), \(groups) groups")
            }
        }
    }

    /// After a volume run, c and S are those of an evaluation at the multipliers it returns (kept,
    /// not recomputed), its bound is L at those multipliers, and that bound is at least the node's
    /// optimum found by brute force.
    @Test(arguments: 1...6)
    func volumeRunEndsAtItsBestMultipliers(seed: Int) {
        var rng = SplitMix64(state: 950 + UInt64(seed))
        for groups in [5, 9, 14, 23] {
            let core = Self.core(groups: groups, sites: 8, picks: 3, rng: &rng)
            let relaxation = MCLPRelaxation(core: core)
            let status = [UInt8](repeating: MCLPSiteStatus.free, count: core.siteCount)
            guard case .open = relaxation.prepare(status) else { continue }
            var lambda = core.weights.map { $0 / 2 }
            let pruning = MCLPPruning(incumbent: 0, tolerance: 1e-9 * core.totalWeight, integral: true)
            let bound = relaxation.minimise(&lambda, schedule: .node, pruning: pruning) { _, _, _ in 0 }
            let keptS = Set(relaxation.selectedSites)
            let keptC = (0..<core.siteCount).map { relaxation.c($0) }
            let again = lambda.withUnsafeBufferPointer { relaxation.evaluate($0.baseAddress!) }
            #expect(again.bound == bound, "seed \(seed), \(groups) groups")
            #expect(Set(relaxation.selectedSites) == keptS)
            #expect((0..<core.siteCount).map { relaxation.c($0) } == keptC)
            var best = 0.0
            for a in 0..<8 {
                for b in (a + 1)..<8 {
                    for c in (b + 1)..<8 { best = max(best, core.value(of: [Int32(a), Int32(b), Int32(c)])) }
                }
            }
            #expect(bound >= best - 1e-9 * max(1, best), "seed \(seed), \(groups) groups")
        }
    }

    /// The quickselect of (key, place) pairs against a sort: keys drawn from five values (many
    /// ties), every count 1…40 and k 1..<count: the first k entries are the k first by larger
    /// key, then smaller place. And the 4-lane maximum against a plain one, for counts 0…9.
    @Test func selectionMatchesSorting() {
        var rng = SplitMix64(state: 31)
        for count in 1...40 {
            for k in 1..<count {
                let keys = (0..<count).map { _ in Double(rng.int(0...4)) / 4 }
                var places = (0..<count).map { Int32($0) }
                for r in stride(from: count - 1, to: 0, by: -1) { places.swapAt(r, rng.int(0...r)) }
                let expected = Set((0..<count).sorted { a, b in
                    keys[a] > keys[b] || (keys[a] == keys[b] && places[a] < places[b])
                }.prefix(k).map { places[$0] })
                var key = keys, place = places
                key.withUnsafeMutableBufferPointer { key in
                    place.withUnsafeMutableBufferPointer { place in
                        MCLPRelaxation.select(k, of: count, key.baseAddress!, place.baseAddress!)
                    }
                }
                #expect(Set(place.prefix(k)) == expected, "count \(count), k \(k)")
                // The pairs moved together.
                #expect(zip(key, place).allSatisfy { keys[places.firstIndex(of: $0.1)!] == $0.0 })
            }
        }
        for count in 0...9 {
            let values = (0..<count).map { _ in rng.uniform() - 0.5 }
            let maximum = values.withUnsafeBufferPointer { MCLPRelaxation.maximum($0.baseAddress!, count: count) }
            #expect(maximum == (values.max() ?? -.infinity), "count \(count)")
        }
    }

    /// Successive evaluations in one node, with whole-number weights and multipliers (every sum
    /// exact, many ties among the c_j): each gives exactly the bound of the definition, S the q
    /// free sites of largest c_j (ties to the smaller index), and the smallest c_j in S and the
    /// largest outside. The multipliers move a little from one evaluation to the next (S then
    /// is found among the sites kept by the last evaluation's hint) or jump (S is not among
    /// them), so that both ways of finding S run.
    @Test(arguments: 1...6)
    func successiveEvaluationsChooseTheLargestSites(seed: Int) {
        var rng = SplitMix64(state: 700 + UInt64(seed))
        let core = Self.core(groups: 240, sites: 60, picks: 6, rng: &rng)
        let relaxation = MCLPRelaxation(core: core)
        var status = [UInt8](repeating: MCLPSiteStatus.free, count: core.siteCount)
        for j in 0..<core.siteCount where rng.uniform() < 0.1 { status[j] = MCLPSiteStatus.excluded }
        status[Int(rng.int(0...59))] = MCLPSiteStatus.chosen
        guard case .open = relaxation.prepare(status) else {
            Issue.record("expected an open node")
            return
        }
        var lambda = core.weights.map { Double(rng.int(0...Int($0))) }
        let free = (0..<core.siteCount).filter { status[$0] == MCLPSiteStatus.free }
        let active = Set(relaxation.activeList.map(Int.init))
        for step in 0..<60 {
            if step % 10 == 9 {
                lambda = core.weights.map { Double(rng.int(0...Int($0))) }
            } else {
                for _ in 0..<8 {
                    let i = rng.int(0...(core.demandCount - 1))
                    lambda[i] = min(core.weights[i], max(0, lambda[i] + Double(rng.int(-3...3))))
                }
            }
            let value = lambda.withUnsafeBufferPointer { relaxation.evaluate($0.baseAddress!) }
            #expect(value.bound == Self.directBound(core, status: status, lambda: lambda), "seed \(seed), step \(step)")
            var c = [Double](repeating: 0, count: core.siteCount)
            for i in active {
                for k in core.demandStarts[i]..<core.demandStarts[i + 1] { c[Int(core.demandSites[k])] += lambda[i] }
            }
            let ranked = free.sorted { c[$0] > c[$1] || (c[$0] == c[$1] && $0 < $1) }
            let q = relaxation.picks
            #expect(Set(relaxation.selectedSites.map(Int.init)) == Set(ranked.prefix(q)), "seed \(seed), step \(step)")
            #expect(relaxation.lastInS == c[ranked[q - 1]])
            #expect(relaxation.firstOutside == c[ranked[q]])
            #expect(free.allSatisfy { relaxation.c($0) == c[$0] })
        }
    }
}
