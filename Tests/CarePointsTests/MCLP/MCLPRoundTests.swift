@testable import CarePoints
import Dispatch
import Testing
import TestSupport

/// An instance whose LP gap is wide, so that the search branches: n = 11…13 sites (by seed), a
/// demand point for every pair of sites and for the triples a < b < c with (ab + c) mod 5 = seed
/// mod 5, seeded weights 1…100 (see `MCLPPseudocostTests` for why pairs make the LP loose).
fileprivate func pairsAndTriples(seed: Int, p: Int) throws -> MCLPProblem {
    var rng = SplitMix64(state: 7_000 + UInt64(seed))
    let n = 11 + seed % 3
    var coverage: [[Int]] = []
    for a in 0..<n {
        for b in (a + 1)..<n {
            coverage.append([a, b])
            for c in (b + 1)..<n where (a * b + c) % 5 == seed % 5 { coverage.append([a, b, c]) }
        }
    }
    let weights = coverage.map { _ in Double(rng.int(1...100)) }
    return try MCLPProblem(weights: weights, coverage: coverage, candidateCount: n, p: p)
}

/// The search's core and root status for `problem`, unreduced.
fileprivate func searchInput(_ problem: MCLPProblem) throws -> (core: MCLPCore, offset: Double, rootStatus: [UInt8]) {
    guard case .reduced(let core, _, let offset, let rootStatus) = MCLPPreprocessing.unreduced(problem) else {
        throw MCLPError(.invalidParameter, "expected a problem left to search")
    }
    return (core, offset, rootStatus)
}

/// What a finished search did, for comparing runs bit for bit.
fileprivate struct SearchRecord: Equatable {
    var incumbent: [Int32]
    var value: UInt64
    var rootBound: UInt64
    var nodes: Int
    var rounds: Int
    var evaluations: Int
    var pseudocostBranches: Int

    init(_ search: MCLPSearch) {
        incumbent = search.incumbent
        value = search.incumbentValue.bitPattern
        rootBound = search.rootBound.bitPattern
        nodes = search.nodes
        rounds = search.rounds
        evaluations = search.evaluations
        pseudocostBranches = search.pseudocostBranches
    }
}

@Suite struct MCLPRoundTests {
    /// Whatever the number of nodes a round bounds at once (1: one at a time; 2, 8), the search
    /// proves the optimum that brute force over every choice of p sites finds. Rounds must bound
    /// several nodes at once somewhere (checked: nodes > rounds), so that the merge is exercised.
    @Test(arguments: 1...6)
    func roundsAgreeWithBruteForce(seed: Int) throws {
        var severalAtOnce = false
        for p in [4, 5] {
            let problem = try pairsAndTriples(seed: seed, p: p)
            let best = bruteForce(problem)
            let (core, offset, rootStatus) = try searchInput(problem)
            for roundSize in [1, 2, 8] {
                let search = MCLPSearch(core: core, rootStatus: rootStatus, deadline: .max, roundSize: roundSize)
                #expect(search.run(from: [search.rootNode(status: rootStatus)]) == -.infinity)
                #expect(offset + search.incumbentValue == best, "seed \(seed), p = \(p), round size \(roundSize)")
                #expect(!search.timedOut && search.rootBound >= search.incumbentValue)
                if roundSize == 1 { #expect(search.rounds == search.nodes) }
                if roundSize > 1 && search.nodes > search.rounds { severalAtOnce = true }
            }
        }
        #expect(severalAtOnce, "seed \(seed): no round bounded more than one node")
    }

    /// The search is the same, bit for bit, however its threads are scheduled: of four runs of each
    /// seeded instance, two from the test's thread and two at once inside `concurrentPerform`
    /// (where libdispatch gives each nested loop fewer threads, as a machine with fewer cores
    /// would), all find the same incumbent, node and round counts, evaluations, pseudocost branches
    /// and root bound, and the incumbent is optimal.
    @Test func sameSearchWhateverTheScheduling() throws {
        for (seed, p) in [(1, 5), (5, 4)] {
            let problem = try pairsAndTriples(seed: seed, p: p)
            let (core, offset, rootStatus) = try searchInput(problem)
            func search() -> SearchRecord {
                let search = MCLPSearch(core: core, rootStatus: rootStatus, deadline: .max)
                _ = search.run(from: [search.rootNode(status: rootStatus)])
                return SearchRecord(search)
            }
            let first = search()
            #expect(search() == first)
            var nested = [SearchRecord?](repeating: nil, count: 2)
            nested.withUnsafeMutableBufferPointer { buffer in
                let records = SharedBuffer(buffer)
                ParallelChunks.forEach(count: 2, chunkSize: 1) { range in
                    for k in range { records[k] = search() }
                }
            }
            #expect(nested == [first, first], "seed \(seed)")
            #expect(first.nodes > 2 * first.rounds, "seed \(seed): rounds of one or two nodes only")
            #expect(offset + Double(bitPattern: first.value) == bruteForce(problem))
        }
    }

    /// A deadline already past stops the search before its first round: the root is left open
    /// (its bound, +∞, is reported) and the incumbent is the greedy and interchange start. A
    /// deadline 2 ms away stops it somewhere or not at all; either way the bound it reports is at
    /// least the optimum (brute force), and the optimum when it finished.
    @Test func deadlineStopsTheSearch() throws {
        let problem = try pairsAndTriples(seed: 5, p: 5)
        let best = bruteForce(problem)
        let (core, offset, rootStatus) = try searchInput(problem)
        let past = MCLPSearch(core: core, rootStatus: rootStatus, deadline: 0)
        #expect(past.run(from: [past.rootNode(status: rootStatus)]) == .infinity)
        #expect(past.timedOut && past.nodes == 0 && past.rounds == 0 && offset + past.incumbentValue <= best)
        let soon = MCLPSearch(core: core, rootStatus: rootStatus, deadline: DispatchTime.now().uptimeNanoseconds + 2_000_000)
        let open = soon.run(from: [soon.rootNode(status: rootStatus)])
        if soon.timedOut {
            #expect(offset + Swift.max(open, soon.incumbentValue) >= best && offset + soon.incumbentValue <= best)
        } else {
            #expect(open == -.infinity && offset + soon.incumbentValue == best)
        }
    }
}
