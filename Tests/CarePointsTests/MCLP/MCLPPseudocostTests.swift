@testable import CarePoints
import CareGeometry
import Testing
import TestSupport

@Suite struct MCLPPseudocostTests {
    /// Per-unit falls and scores computed by hand (see `MCLPPseudocosts`):
    /// site 0: up falls 4 at x̄ = 0.5 (4 / 0.5 = 8) and 2 at x̄ = 0.75 (2 / 0.25 = 8): Ψ⁺ = 8;
    ///         down fall 3 at x̄ = 0.5: Ψ⁻ = 6.
    /// site 1: up fall −2 (counts as 0): Ψ⁺ = 0; down fall 1 at x̄ = 0.25: Ψ⁻ = 4.
    /// site 2: nothing kept (an infinite fall, x̄ = 1 and x̄ = 0.0005 are ignored).
    /// Means over the observed sites: Ψ⁺ (8 + 0) / 2 = 4, Ψ⁻ (6 + 4) / 2 = 5.
    /// Scores at x̄ = 0.5, ε = 0.01: site 0 (8 · 0.5)(6 · 0.5) = 12, site 1 max(0, 0.01) · (4 · 0.5)
    /// = 0.02, site 2 (4 · 0.5)(5 · 0.5) = 5.
    @Test func handComputedScores() {
        var costs = MCLPPseudocosts(siteCount: 4)
        #expect(costs.best(of: [(0, 0.5)], epsilon: 0.01) == nil)
        costs.record(site: 0, up: true, fall: 4, x: 0.5)
        costs.record(site: 0, up: true, fall: 2, x: 0.75)
        #expect(costs.best(of: [(0, 0.5)], epsilon: 0.01) == nil)  // no down observation yet
        costs.record(site: 0, up: false, fall: 3, x: 0.5)
        costs.record(site: 1, up: false, fall: 1, x: 0.25)
        costs.record(site: 1, up: true, fall: -2, x: 0.5)
        costs.record(site: 2, up: true, fall: .infinity, x: 0.5)
        costs.record(site: 2, up: false, fall: 5, x: 1)
        costs.record(site: 2, up: true, fall: 5, x: 0.0005)
        #expect(costs.unitFalls(0).up == 8 && costs.unitFalls(0).down == 6)
        #expect(costs.unitFalls(1).up == 0 && costs.unitFalls(1).down == 4)
        #expect(costs.unitFalls(2).up == nil && costs.unitFalls(2).down == nil)
        #expect(costs.best(of: [(0, 0.5), (1, 0.5), (2, 0.5)], epsilon: 0.01) == 0)
        #expect(costs.best(of: [(1, 0.5), (2, 0.5)], epsilon: 0.01) == 2)
        // Site 1 at x̄ = 0.5: 0.02; site 0 at x̄ = 0.999: max(8 · 0.001, 0.01) · (6 · 0.999) ≈ 0.06.
        #expect(costs.best(of: [(1, 0.5), (0, 0.999)], epsilon: 0.01) == 0)
        // Sites 2 and 3 have no observations: equal scores, the earlier candidate wins.
        #expect(costs.best(of: [(3, 0.5), (2, 0.5)], epsilon: 0.01) == 3)
        #expect(costs.best(of: [], epsilon: 0.01) == nil)
    }

    /// The search finds the optimum that brute force over every choice of p sites finds whatever
    /// share of the nodes branches by pseudocosts: none (strong branching everywhere), the default
    /// (nodes whose gap is below half the root's) and every node below the root (a share above 1).
    /// The instances have a wide LP gap, so that the search branches: n sites, a demand point for
    /// every pair and every third triple of sites with seeded weights 1…100 (with equal weights and
    /// p = 3 of 10 sites, the LP puts x = 0.3 everywhere and covers 0.6 of each pair, 27 of 45, while
    /// 3 sites cover at most 45 − C(7, 2) = 24 pairs). Pseudocost branching must happen (checked,
    /// so that the path is exercised).
    @Test func searchAgreesWithBruteForceUnderEitherBranchingRule() throws {
        var pseudocostBranches = 0
        for seed in 1...4 {
            var rng = SplitMix64(state: 4_000 + UInt64(seed))
            let n = 9 + seed % 3
            var coverage: [[Int]] = []
            for a in 0..<n {
                for b in (a + 1)..<n {
                    coverage.append([a, b])
                    for c in (b + 1)..<n where (a + b + c) % 3 == 0 { coverage.append([a, b, c]) }
                }
            }
            let weights = coverage.map { _ in Double(rng.int(1...100)) }
            for p in [4, 5] {
                let problem = try MCLPProblem(weights: weights, coverage: coverage, candidateCount: n, p: p)
                var best = 0.0
                func choose(_ start: Int, _ chosen: inout [Int]) {
                    if chosen.count == p {
                        best = max(best, problem.covered(by: chosen))
                        return
                    }
                    guard start < n else { return }
                    for j in start..<n {
                        chosen.append(j)
                        choose(j + 1, &chosen)
                        chosen.removeLast()
                    }
                }
                var chosen: [Int] = []
                choose(0, &chosen)
                guard case .reduced(let core, _, let offset, let rootStatus) = MCLPPreprocessing.unreduced(problem) else {
                    Issue.record("expected a reduced problem")
                    return
                }
                for share in [0, MCLPSearch.strongBranchingGap, 2] {
                    let search = MCLPSearch(core: core, rootStatus: rootStatus, deadline: .max, strongBranchingGap: share)
                    #expect(search.run(from: [search.rootNode(status: rootStatus)]) == -.infinity)
                    #expect(offset + search.incumbentValue == best, "seed \(seed), p = \(p), share \(share)")
                    if share == 0 { #expect(search.pseudocostBranches == 0) }
                    if share == 2 { pseudocostBranches += search.pseudocostBranches }
                }
            }
        }
        #expect(pseudocostBranches > 0)
    }
}
