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

    /// The search with its pseudocost branching (nodes whose gap is below half the root's) finds
    /// the optimum that brute force over every choice of p sites finds, on seeded instances
    /// where it branches by pseudocosts at least once (checked, so that the path is exercised).
    @Test func searchWithPseudocostBranchingAgreesWithBruteForce() throws {
        var pseudocostBranches = 0
        for seed in 1...6 {
            var rng = SplitMix64(state: 4_000 + UInt64(seed))
            let demand = (0..<140).map { i in
                MCLPDemandPoint(id: "d\(i)", position: Coordinate(x: 10_000 * rng.uniform(), y: 10_000 * rng.uniform()),
                                weight: Double(rng.int(1...100)))
            }
            let sites = (0..<20).map { MCLPCandidateSite(id: "c\($0)", position: Coordinate(x: 10_000 * rng.uniform(), y: 10_000 * rng.uniform())) }
            for p in [5, 7] {
                let problem = try MCLPProblem(demand: demand, candidates: sites, radiusMeters: 2_200, p: p)
                guard case .reduced(let core, _, let offset, let rootStatus) = MCLPPreprocessing.unreduced(problem) else {
                    Issue.record("expected a reduced problem")
                    return
                }
                let search = MCLPSearch(core: core, rootStatus: rootStatus, deadline: .max)
                #expect(search.run(from: [search.rootNode(status: rootStatus)]) == -.infinity)
                pseudocostBranches += search.pseudocostBranches
                // Brute force by bit masks: demand point i is covered when its mask meets the choice's.
                let masks = (0..<problem.demandCount).map { i in problem.coverage(ofDemand: i).reduce(UInt32(0)) { $0 | 1 << UInt32($1) } }
                var best = 0.0
                func choose(_ start: Int, _ left: Int, _ mask: UInt32) {
                    if left == 0 {
                        var covered = 0.0
                        for i in masks.indices where masks[i] & mask != 0 { covered += problem.weights[i] }
                        best = max(best, covered)
                        return
                    }
                    guard start < sites.count else { return }
                    for j in start...(sites.count - left) { choose(j + 1, left - 1, mask | 1 << UInt32(j)) }
                }
                choose(0, p, 0)
                #expect(offset + search.incumbentValue == best, "seed \(seed), p = \(p)")
            }
        }
        #expect(pseudocostBranches > 0)
    }
}
