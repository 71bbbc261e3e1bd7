@testable import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// A seeded instance in a 10 km square: `n` demand points (clustered around three centres, with
/// repeats of positions so that coverage sets coincide), `m` candidate sites, radius 2.5 km.
fileprivate func randomInstance(seed: UInt64, demand n: Int = 40, candidates m: Int = 12, integral: Bool = true)
    -> (demand: [MCLPDemandPoint], candidates: [MCLPCandidateSite])
{
    var rng = SplitMix64(state: seed)
    let centres = (0..<3).map { _ in Coordinate(x: 10_000 * rng.uniform(), y: 10_000 * rng.uniform()) }
    var demand: [MCLPDemandPoint] = []
    for i in 0..<n {
        let position: Coordinate
        if i > 0 && rng.uniform() < 0.15 {
            position = demand[rng.int(0...(i - 1))].position
        } else if rng.uniform() < 0.6 {
            let c = centres[rng.int(0...2)]
            position = Coordinate(x: c.x + 3000 * (rng.uniform() - 0.5), y: c.y + 3000 * (rng.uniform() - 0.5))
        } else {
            position = Coordinate(x: 10_000 * rng.uniform(), y: 10_000 * rng.uniform())
        }
        let weight = integral ? Double(rng.int(0...100)) : 100 * rng.uniform()
        demand.append(MCLPDemandPoint(id: "d\(i)", position: position, weight: weight))
    }
    let candidates = (0..<m).map { MCLPCandidateSite(id: "c\($0)", position: Coordinate(x: 10_000 * rng.uniform(), y: 10_000 * rng.uniform())) }
    return (demand, candidates)
}

/// The best value over every choice of p sites that respects forced and excluded sites (also used
/// by MCLPRoundTests).
func bruteForce(_ problem: MCLPProblem) -> Double {
    let excluded = Set(problem.excluded)
    let free = (0..<problem.candidateCount).filter { !excluded.contains($0) && !problem.forced.contains($0) }
    let k = problem.p - problem.forced.count
    var best = -Double.infinity
    func choose(_ start: Int, _ chosen: inout [Int]) {
        if chosen.count == k {
            best = max(best, problem.covered(by: problem.forced + chosen))
            return
        }
        guard start < free.count, free.count - start >= k - chosen.count else { return }
        for index in start..<free.count {
            chosen.append(free[index])
            choose(index + 1, &chosen)
            chosen.removeLast()
        }
    }
    var chosen: [Int] = []
    choose(0, &chosen)
    return best
}

@Suite struct MCLPTests {
    // MARK: - A hand-made example

    /// Sites A = 0, B = 1, C = 2, D = 3; demand (weight: sites covering it):
    ///   d0 10: A        d1 7: A, B      d2 6: B        d3 5: B, C
    ///   d4  9: C, D     d5 4: none      d6 2: A, B (the same set as d1)
    /// Weight each site covers: A 10 + 7 + 2 = 19, B 7 + 6 + 5 + 2 = 20, C 5 + 9 = 14, D 9.
    static func hand(_ p: Int, _ forced: [Int], _ excluded: [Int]) throws -> MCLPProblem {
        try MCLPProblem(weights: [10, 7, 6, 5, 9, 4, 2], coverage: [[0], [0, 1], [1], [1, 2], [2, 3], [], [0, 1]],
                        candidateCount: 4, p: p, forced: forced, excluded: excluded)
    }

    @Test func handExample() throws {
        // p = 1: B alone covers the most, 20.
        let one = try MCLPSolver.solve(Self.hand(1, [], []))
        #expect(one.chosen == [1] && one.covered == 20 && one.optimal && one.gap == 0)
        // p = 2: A + B = 10 + 7 + 2 + 6 + 5 = 30, A + C = 10 + 7 + 2 + 5 + 9 = 33,
        // B + C = 7 + 2 + 6 + 5 + 9 = 29; pairs with D cover no more than with C. Greedy takes B
        // (20) then A (+10) = 30; the interchange B → C reaches 33.
        let two = try MCLPSolver.solve(Self.hand(2, [], []))
        #expect(two.chosen == [0, 2] && two.covered == 33 && two.optimal && two.bound == 33)
        // p = 3: A + B + C cover everything coverable, 43 − 4 (d5) = 39.
        let three = try MCLPSolver.solve(Self.hand(3, [], []))
        #expect(three.chosen == [0, 1, 2] && three.covered == 39)
        // p = 4: D is dominated by C ({d4} ⊂ {d3, d4}), so only 3 sites are not dominated, fewer
        // than p: preprocessing alone solves it, D filling the fourth place.
        let four = try MCLPSolver.solve(Self.hand(4, [], []))
        #expect(four.chosen == [0, 1, 2, 3] && four.covered == 39 && four.method == .preprocessing && four.nodes == 0)
    }

    @Test func handExampleWithForcedAndExcludedSites() throws {
        // Forcing B with p = 2: B + A = 30, B + C = 29, B + D = 20 + 9 = 29 → A, B.
        let forced = try MCLPSolver.solve(Self.hand(2, [1], []))
        #expect(forced.chosen == [0, 1] && forced.covered == 30)
        // Excluding A with p = 2: B + C = 29 (B + D is also 29; C dominates D, so C).
        let excluded = try MCLPSolver.solve(Self.hand(2, [], [0]))
        #expect(excluded.covered == 29 && excluded.chosen == [1, 2])
        // Forcing D and excluding C, p = 2: D + A = 9 + 19 = 28, D + B = 9 + 20 = 29 → B, D.
        let both = try MCLPSolver.solve(Self.hand(2, [3], [2]))
        #expect(both.chosen == [1, 3] && both.covered == 29)
        // All p sites forced: nothing to search.
        let all = try MCLPSolver.solve(Self.hand(2, [2, 3], []))
        #expect(all.chosen == [2, 3] && all.covered == 14 && all.method == .preprocessing)
    }

    @Test func preprocessingOfTheHandExample() throws {
        // p = 2: d5 (uncovered) leaves, d1 and d6 merge (weight 9), D is dominated by C.
        guard case .reduced(let core, let fixed, let offset, _) = MCLPPreprocessing.reduce(try Self.hand(2, [], [])) else {
            Issue.record("expected a reduced problem")
            return
        }
        #expect(fixed.isEmpty && offset == 0)
        #expect(core.siteIndex == [0, 1, 2])
        #expect(core.weights == [10, 9, 6, 5, 9])  // d0, d1 + d6, d2, d3, d4
        #expect(core.totalWeight == 39 && core.integral)
        // Forcing C: d3 and d4 are covered up front (5 + 9 = 14); D now covers nothing the search
        // still needs and is dominated; {A, B} (d1 + d6 = 9) is covered by every site left, so
        // whichever is chosen covers it: 14 + 9 = 23 up front, groups {A} 10 and {B} 6 remain.
        guard case .reduced(let forcedCore, let forcedFixed, let forcedOffset, _) = MCLPPreprocessing.reduce(try Self.hand(2, [2], []))
        else {
            Issue.record("expected a reduced problem")
            return
        }
        #expect(forcedFixed == [2] && forcedOffset == 23 && forcedCore.picks == 1)
        #expect(forcedCore.siteIndex == [0, 1] && forcedCore.weights == [10, 6])
    }

    // MARK: - Brute force on seeded instances

    /// Every choice of p sites out of 12, p = 1…4, on 12 seeded instances: the optimum, with
    /// and without preprocessing, and the root's Lagrangian bound above it.
    @Test(arguments: 1...12)
    func agreesWithBruteForce(seed: Int) throws {
        let instance = randomInstance(seed: UInt64(seed), integral: seed % 3 != 0)
        for p in 1...4 {
            let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 2500, p: p)
            let best = bruteForce(problem)
            let solved = try MCLPSolver.solve(problem)
            let plain = try MCLPSolver.solve(problem, options: .init(preprocessing: false))
            #expect(solved.optimal && plain.optimal)
            #expect(abs(solved.covered - best) <= 1e-9 * max(1, best), "seed \(seed), p = \(p)")
            #expect(abs(plain.covered - best) <= 1e-9 * max(1, best), "seed \(seed), p = \(p), no preprocessing")
            #expect(solved.chosen.count == p && Set(solved.chosen).count == p && solved.chosen == solved.chosen.sorted())
            #expect(solved.covered == problem.covered(by: solved.chosen))
            #expect(solved.rootBound >= best - 1e-9 * max(1, best) && plain.rootBound >= best - 1e-9 * max(1, best))
        }
    }

    /// Forced and excluded sites on seeded instances, against brute force.
    @Test(arguments: 1...6)
    func forcedAndExcludedAgreeWithBruteForce(seed: Int) throws {
        let instance = randomInstance(seed: 100 + UInt64(seed), candidates: 10)
        var rng = SplitMix64(state: UInt64(seed))
        let forced = [rng.int(0...9)]
        let excluded = [rng.int(0...9), rng.int(0...9)].filter { $0 != forced[0] }
        for p in 1...4 {
            let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 2500, p: p,
                                          forced: forced, excluded: Array(Set(excluded)))
            let best = bruteForce(problem)
            for options in [MCLPSolver.Options(), MCLPSolver.Options(preprocessing: false)] {
                let solution = try MCLPSolver.solve(problem, options: options)
                #expect(solution.covered == best, "seed \(seed), p = \(p), \(options)")
                #expect(solution.chosen.contains(forced[0]) && Set(solution.chosen).isDisjoint(with: excluded))
            }
        }
    }

    /// Denser instances (14 candidates, r = 3.5 km, p = 1…6: many overlapping coverage sets, so
    /// the search branches) on 24 seeds, against every choice of p sites; the solution is also
    /// the same with and without preprocessing in value.
    @Test(arguments: 1...24)
    func agreesWithBruteForceOnDenseInstances(seed: Int) throws {
        let instance = randomInstance(seed: 500 + UInt64(seed), demand: 60, candidates: 14, integral: seed % 4 != 0)
        for p in 1...6 {
            let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 3500, p: p)
            let best = bruteForce(problem)
            let solved = try MCLPSolver.solve(problem)
            #expect(solved.optimal && solved.gap == 0)
            #expect(abs(solved.covered - best) <= 1e-9 * max(1, best), "seed \(seed), p = \(p): \(solved.covered) vs \(best)")
            #expect(solved.covered == problem.covered(by: solved.chosen) && solved.chosen.count == p)
            #expect(solved.rootBound >= best - 1e-9 * max(1, best))
        }
    }

    /// The interchange stops at a local optimum: on random starts, no swap of one chosen site for
    /// one site not chosen covers more (checked by recomputing every swap), and the value it
    /// returns is that of its choice.
    @Test(arguments: 1...8)
    func interchangeEndsAtALocalOptimum(seed: Int) throws {
        let instance = randomInstance(seed: 900 + UInt64(seed), demand: 80, candidates: 16, integral: seed % 2 == 0)
        var rng = SplitMix64(state: 1000 + UInt64(seed))
        for p in [1, 3, 5] {
            let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 3000, p: p)
            guard case .reduced(let core, _, _, _) = MCLPPreprocessing.unreduced(problem) else {
                Issue.record("expected a reduced problem")
                return
            }
            let n = core.siteCount
            let everything = [Bool](repeating: true, count: n), nothing = [Bool](repeating: false, count: n)
            for _ in 0..<5 {
                var pool = Array(0..<n)
                var chosen: [Int32] = []
                for _ in 0..<p { chosen.append(Int32(pool.remove(at: rng.int(0...(pool.count - 1))))) }
                let value = MCLPLocalSearch.interchange(core, chosen: &chosen, locked: nothing, allowed: everything, tolerance: 1e-9)
                #expect(value == core.value(of: chosen) && chosen == chosen.sorted() && Set(chosen).count == p)
                for out in chosen.indices {
                    for site in 0..<n where !chosen.contains(Int32(site)) {
                        var swapped = chosen
                        swapped[out] = Int32(site)
                        #expect(core.value(of: swapped) <= value + 1e-9, "seed \(seed), p = \(p): a swap improves")
                    }
                }
            }
        }
    }

    /// The interchange makes the same swaps as a naive best-improvement interchange that
    /// recomputes the value of every swap: the largest gain above the tolerance, the first in
    /// (site, position) order among equal gains; locked sites never leave, only allowed sites
    /// enter. Integral weights make every gain exact, so the two agree swap for swap. p = 1…7
    /// covers choices that fill four lanes of the scan exactly and those that do not.
    @Test(arguments: 1...6)
    func interchangeMatchesNaiveBestImprovement(seed: Int) throws {
        let instance = randomInstance(seed: 1200 + UInt64(seed), demand: 90, candidates: 18, integral: true)
        var rng = SplitMix64(state: 1300 + UInt64(seed))
        for p in 1...7 {
            let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 3000, p: p)
            guard case .reduced(let core, _, _, _) = MCLPPreprocessing.unreduced(problem) else {
                Issue.record("expected a reduced problem")
                return
            }
            let n = core.siteCount
            for _ in 0..<4 {
                var pool = Array(0..<n)
                var start: [Int32] = []
                for _ in 0..<p { start.append(Int32(pool.remove(at: rng.int(0...(pool.count - 1))))) }
                var locked = [Bool](repeating: false, count: n), allowed = [Bool](repeating: true, count: n)
                for j in start where rng.uniform() < 0.3 { locked[Int(j)] = true }
                for j in pool where rng.uniform() < 0.25 { allowed[j] = false }
                // The naive reference, positions kept as the interchange keeps them.
                var expected = start
                while true {
                    let value = core.value(of: expected)
                    var best: (gain: Double, site: Int, position: Int)? = nil
                    for site in 0..<n where allowed[site] && !expected.contains(Int32(site)) {
                        for position in expected.indices where !locked[Int(expected[position])] {
                            var swapped = expected
                            swapped[position] = Int32(site)
                            let gain = core.value(of: swapped) - value
                            if gain > 0.5 && gain > (best?.gain ?? -.infinity) { best = (gain, site, position) }
                        }
                    }
                    guard let best else { break }
                    expected[best.position] = Int32(best.site)
                }
                var chosen = start
                let value = MCLPLocalSearch.interchange(core, chosen: &chosen, locked: locked, allowed: allowed, tolerance: 0.5)
                #expect(chosen == expected.sorted(), "seed \(seed), p = \(p), start \(start)")
                #expect(value == core.value(of: expected))
                #expect(start.allSatisfy { !locked[Int($0)] || chosen.contains($0) })
            }
        }
    }

    // MARK: - Edge cases

    /// p equal to the number of candidates: every site is chosen, whatever covers what.
    @Test func pEqualToTheNumberOfCandidates() throws {
        let instance = randomInstance(seed: 41, demand: 50, candidates: 7)
        let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 2500, p: 7)
        let solution = try MCLPSolver.solve(problem)
        #expect(solution.chosen == Array(0..<7) && solution.optimal)
        #expect(solution.covered == problem.coverableWeight)
        // With two excluded, p = 5 takes the other five.
        let fewer = try MCLPSolver.solve(try MCLPProblem(demand: instance.demand, candidates: instance.candidates,
                                                         radiusMeters: 2500, p: 5, excluded: [1, 4]))
        #expect(fewer.chosen == [0, 2, 3, 5, 6])
    }

    /// No demand point within reach of any site: nothing can be covered; the p smallest indices
    /// are chosen (every site is dominated by a smaller index) and the answer is optimal.
    @Test func nothingCanBeCovered() throws {
        let demand = (0..<5).map { MCLPDemandPoint(id: "d\($0)", position: Coordinate(x: 100_000 + Double($0), y: 0), weight: 3) }
        let candidates = (0..<4).map { MCLPCandidateSite(id: "c\($0)", position: Coordinate(x: Double($0) * 10, y: 0)) }
        for p in 1...4 {
            let solution = try MCLPSolver.solve(try MCLPProblem(demand: demand, candidates: candidates, radiusMeters: 1000, p: p))
            #expect(solution.covered == 0 && solution.optimal && solution.bound == 0)
            #expect(solution.chosen == Array(0..<p))
        }
    }

    /// Every weight zero: the covered weight is 0 and optimal, with exactly p distinct sites.
    @Test func zeroWeights() throws {
        let instance = randomInstance(seed: 42, demand: 30, candidates: 6)
        let demand = instance.demand.map { MCLPDemandPoint(id: $0.id, position: $0.position, weight: 0) }
        for p in 1...6 {
            let solution = try MCLPSolver.solve(try MCLPProblem(demand: demand, candidates: instance.candidates, radiusMeters: 2500, p: p))
            #expect(solution.covered == 0 && solution.optimal && Set(solution.chosen).count == p)
        }
    }

    /// Duplicate positions: demand points stacked on one spot act as one point of their summed
    /// weight; candidate sites on one spot are interchangeable, and the smaller index is kept.
    @Test func duplicatePoints() throws {
        // 3 × weight 4 at the origin, 5 at (2000, 0), 6 at (4000, 0); sites a, b at the origin,
        // c at (2000, 0), d at (4000, 0); r = 1000: a and b cover 12 each, c 5, d 6.
        let demand = [MCLPDemandPoint(id: "o1", position: Coordinate(x: 0, y: 0), weight: 4),
                      MCLPDemandPoint(id: "o2", position: Coordinate(x: 0, y: 0), weight: 4),
                      MCLPDemandPoint(id: "o3", position: Coordinate(x: 0, y: 0), weight: 4),
                      MCLPDemandPoint(id: "m", position: Coordinate(x: 2000, y: 0), weight: 5),
                      MCLPDemandPoint(id: "e", position: Coordinate(x: 4000, y: 0), weight: 6)]
        let candidates = [MCLPCandidateSite(id: "a", position: Coordinate(x: 0, y: 0)),
                          MCLPCandidateSite(id: "b", position: Coordinate(x: 0, y: 0)),
                          MCLPCandidateSite(id: "c", position: Coordinate(x: 2000, y: 0)),
                          MCLPCandidateSite(id: "d", position: Coordinate(x: 4000, y: 0))]
        let one = try MCLPSolver.solve(try MCLPProblem(demand: demand, candidates: candidates, radiusMeters: 1000, p: 1))
        #expect(one.chosen == [0] && one.covered == 12)
        // p = 2: a + d = 18 (b adds nothing to a).
        let two = try MCLPSolver.solve(try MCLPProblem(demand: demand, candidates: candidates, radiusMeters: 1000, p: 2))
        #expect(two.chosen == [0, 3] && two.covered == 18)
        // p = 4: everything, 23.
        let four = try MCLPSolver.solve(try MCLPProblem(demand: demand, candidates: candidates, radiusMeters: 1000, p: 4))
        #expect(four.chosen == [0, 1, 2, 3] && four.covered == 23)
    }

    /// L(λ) ≥ the optimum for any λ ≥ 0 (here random λ in [0, 2w]), in the root node.
    @Test(arguments: 1...6)
    func lagrangianBoundIsAnUpperBound(seed: Int) throws {
        let instance = randomInstance(seed: 200 + UInt64(seed), integral: false)
        var rng = SplitMix64(state: 300 + UInt64(seed))
        for p in 1...4 {
            let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 2500, p: p)
            let best = bruteForce(problem)
            guard case .reduced(let core, _, _, let status) = MCLPPreprocessing.unreduced(problem) else {
                Issue.record("expected a reduced problem")
                return
            }
            let relaxation = MCLPRelaxation(core: core)
            guard case .open = relaxation.prepare(status) else { continue }
            for _ in 0..<50 {
                let lambda = core.weights.map { $0 * 2 * rng.uniform() }
                let value = lambda.withUnsafeBufferPointer { relaxation.evaluate($0.baseAddress!) }
                #expect(value.bound >= best - 1e-9 * max(1, best), "seed \(seed), p = \(p)")
                #expect(value.solution <= best + 1e-9 * max(1, best))
            }
        }
    }

    /// The same problem gives the same solution, bit for bit, every time.
    @Test func deterministic() throws {
        let instance = randomInstance(seed: 77, demand: 300, candidates: 40)
        let problem = try MCLPProblem(demand: instance.demand, candidates: instance.candidates, radiusMeters: 2000, p: 6)
        let first = try MCLPSolver.solve(problem)
        for _ in 0..<3 { #expect(try MCLPSolver.solve(problem) == first) }
        #expect(first.optimal)
    }

    // MARK: - Coverage sets from points

    @Test func coverageIsInclusiveAndSparse() throws {
        // (1800, 2400) is exactly 3000 m from the origin; (1800.5, 2400) is not.
        let demand = [MCLPDemandPoint(id: "on", position: Coordinate(x: 1800, y: 2400), weight: 5),
                      MCLPDemandPoint(id: "beyond", position: Coordinate(x: 1800.5, y: 2400), weight: 7),
                      MCLPDemandPoint(id: "near", position: Coordinate(x: 10, y: 0), weight: 1)]
        let candidates = [MCLPCandidateSite(id: "o", position: Coordinate(x: 0, y: 0)),
                          MCLPCandidateSite(id: "far", position: Coordinate(x: 50_000, y: 0))]
        let problem = try MCLPProblem(demand: demand, candidates: candidates, radiusMeters: 3000, p: 1)
        #expect(Array(problem.coverage(ofDemand: 0)) == [0])
        #expect(problem.coverage(ofDemand: 1).isEmpty)
        #expect(Array(problem.coverage(ofDemand: 2)) == [0])
        #expect(problem.coverableWeight == 6)
        let solution = try MCLPSolver.solve(problem)
        #expect(solution.chosen == [0] && solution.covered == 6)
    }

    // MARK: - Errors

    @Test func invalidProblemsListEveryProblem() throws {
        #expect(throws: MCLPError.self) { try MCLPProblem(weights: [1], coverage: [[0]], candidateCount: 1, p: 0) }
        #expect(throws: MCLPError.self) { try MCLPProblem(weights: [1], coverage: [[0]], candidateCount: 1, p: 2) }
        do {
            _ = try MCLPProblem(weights: [1, -2, .nan], coverage: [[0], [5], []], candidateCount: 2, p: 2, forced: [0, 1, 1],
                                excluded: [1])
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.contains("demand point 2: site 5 is not in 0..<2"))
            #expect(error.problems.count == 1)  // coverage problems are reported before the rest
        }
        do {
            _ = try MCLPProblem(weights: [1, -2, .nan], coverage: [[0], [1], []], candidateCount: 2, p: 2, forced: [0, 1, 1],
                                excluded: [1])
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.contains("demand point 2: the weight must be a finite number ≥ 0, got -2.0"))
            #expect(text.contains("demand point 3: the weight must be a finite number ≥ 0, got nan"))
            #expect(text.contains("forced sites repeat"))
            #expect(text.contains("site 1 is both forced and excluded"))
            #expect(text.contains("p = 2 is more than the 1 candidate sites that may be chosen"))
        }
    }

    @Test func invalidPointsAndRadius() throws {
        let demand = [MCLPDemandPoint(id: "a", position: Coordinate(x: 0, y: 0), weight: 1),
                      MCLPDemandPoint(id: "a", position: Coordinate(x: .nan, y: 0), weight: -1)]
        do {
            _ = try MCLPProblem(demand: demand, candidates: [], radiusMeters: 0, p: 1)
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.contains("the radius must be a finite number of metres > 0, got 0.0"))
            #expect(text.contains("demand point 2 repeats the id \"a\" of demand point 1; ids must be unique"))
            #expect(text.contains("demand point 2 (id \"a\") has a non-finite position"))
            #expect(text.contains("there are no candidate sites; give at least one candidate site"))
            #expect(text.contains("demand point 2 (id \"a\"): the weight must be a finite number ≥ 0, got -1.0"))
        }
        #expect(throws: MCLPError.self) {
            try MCLPSolver.solve(try Self.hand(1, [], []), timeLimitSeconds: 0)
        }
    }

    @Test func readsTablesAndReportsBadRows() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-mclp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("demand.csv")
        try "id,x,y,weight\nd1,0,0,3\nd2,100.5,-20,1.5\n".write(to: good, atomically: true, encoding: .utf8)
        let points = try MCLPInput.readDemand(contentsOf: good)
        #expect(points == [MCLPDemandPoint(id: "d1", position: Coordinate(x: 0, y: 0), weight: 3),
                           MCLPDemandPoint(id: "d2", position: Coordinate(x: 100.5, y: -20), weight: 1.5)])
        let bad = folder.appendingPathComponent("bad.csv")
        try "id,x,y,weight\nd1,0,0,-3\nd1,abc,0,1\n,1,1,1\n".write(to: bad, atomically: true, encoding: .utf8)
        do {
            _ = try MCLPInput.readDemand(contentsOf: bad)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count == 4)
            #expect(error.description.contains("bad.csv, line 2: column \"weight\": must be ≥ 0, got -3"))
            #expect(error.description.contains("bad.csv, line 3: id \"d1\" repeats line 2; ids must be unique"))
            #expect(error.description.contains("bad.csv, line 4: the id is empty"))
        }
        let noWeight = folder.appendingPathComponent("sites.csv")
        try "id,x,y\nc1,0,0\n".write(to: noWeight, atomically: true, encoding: .utf8)
        #expect(try MCLPInput.readCandidates(contentsOf: noWeight) == [MCLPCandidateSite(id: "c1", position: Coordinate(x: 0, y: 0))])
        #expect(throws: MCLPError.self) { try MCLPInput.readDemand(contentsOf: noWeight) }  // no weight column
    }

    @Test func summaryLineAndCSV() throws {
        let solution = try MCLPSolver.solve(Self.hand(2, [], []))
        #expect(solution.summaryLine == "covered=33 optimal=true gap=0")
        #expect(solution.csv(candidateIDs: ["A", "B,1", "C", "D"]) == "id\nA\nC\n")
        let other = try MCLPSolver.solve(Self.hand(1, [], []))
        #expect(other.csv(candidateIDs: ["A", "B,1", "C", "D"]) == "id\n\"B,1\"\n")
    }
}
