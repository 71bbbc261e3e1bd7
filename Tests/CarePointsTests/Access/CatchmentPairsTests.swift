import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// The grid neighbour search against brute force, and the canonical order of the pair lists.
@Suite struct AccessCatchmentPairsTests {
    /// Every pair (i, j, cost) with cost ≤ d0, by checking all N × M.
    static func bruteForce(_ demand: [Coordinate], _ supply: [Coordinate], _ maximumCost: Double, _ detour: Double = 1)
        -> [[Int32]]
    {
        demand.map { d in
            supply.indices.filter { j in
                let dx = d.x - supply[j].x, dy = d.y - supply[j].y
                return detour * (dx * dx + dy * dy).squareRoot() <= maximumCost
            }.map { Int32($0) }
        }
    }

    static func randomPoints(_ count: Int, _ random: inout AccessFixture.Random, span: Double) -> [Coordinate] {
        (0..<count).map { _ in
            Coordinate(x: 500_000 + Double.random(in: 0..<span, using: &random),
                       y: -30_000 + Double.random(in: 0..<span, using: &random))
        }
    }

    static func rows(_ pairs: CatchmentPairs) -> [[Int32]] {
        (0..<pairs.demandCount).map { Array(pairs.supplyIndices[pairs.pairs(ofDemand: $0)]) }
    }

    /// Radii from below the point spacing to beyond the whole extent (one grid cell), with a
    /// detour factor, and a zero radius (coincident points only).
    @Test(arguments: [(0.0, 1.0), (150.0, 1.0), (2_000.0, 1.0), (2_000.0, 1.4), (9_000.0, 1.0), (500_000.0, 1.0)])
    func gridMatchesBruteForce(maximumCost: Double, detour: Double) throws {
        var random = AccessFixture.Random(seed: 3)
        let demand = Self.randomPoints(700, &random, span: 20_000)
        var supply = Self.randomPoints(90, &random, span: 20_000)
        supply += demand.prefix(5)  // coincident points: cost 0
        supply.append(supply[0])  // two supply points on one spot
        let pairs = try CatchmentPairs(euclideanFrom: demand, to: supply, maximumCost: maximumCost, detourFactor: detour)
        let expected = Self.bruteForce(demand, supply, maximumCost, detour)
        #expect(Self.rows(pairs) == expected)
        #expect(pairs.count == expected.map(\.count).reduce(0, +))
        // Costs are those of the pairs.
        for i in [0, 5, 699] {
            for p in pairs.pairs(ofDemand: i) {
                let s = supply[Int(pairs.supplyIndices[p])]
                let dx = demand[i].x - s.x, dy = demand[i].y - s.y
                #expect(pairs.costs[p] == detour * (dx * dx + dy * dy).squareRoot())
            }
        }
    }

    /// The transpose lists, for each supply point, its demand points in increasing order, each
    /// entry pointing back at its pair.
    @Test func transposeIsConsistentAndSorted() throws {
        var random = AccessFixture.Random(seed: 11)
        let demand = Self.randomPoints(3000, &random, span: 30_000)
        let supply = Self.randomPoints(200, &random, span: 30_000)
        let pairs = try CatchmentPairs(euclideanFrom: demand, to: supply, maximumCost: 3000)
        #expect(pairs.columnStarts.last == pairs.count)
        var seen = 0
        for j in 0..<pairs.supplyCount {
            let entries = pairs.entries(ofSupply: j)
            let demands = entries.map { Int(pairs.columnDemands[$0]) }
            #expect(demands == demands.sorted())
            for e in entries {
                let p = pairs.columnPairs[e]
                #expect(Int(pairs.supplyIndices[p]) == j)
                #expect(pairs.pairs(ofDemand: Int(pairs.columnDemands[e])).contains(p))
                seen += 1
            }
        }
        #expect(seen == pairs.count)
    }

    /// Many demand points (several parallel chunks) give the same pairs and the same score bits
    /// on every run, and as brute force.
    @Test func deterministicAcrossRuns() throws {
        var random = AccessFixture.Random(seed: 5)
        let demand = Self.randomPoints(9_000, &random, span: 40_000)
        let supply = Self.randomPoints(400, &random, span: 40_000)
        let population = (0..<demand.count).map { Double($0 % 97) }
        let capacity = (0..<supply.count).map { Double($0 % 13) + 0.5 }
        let first = try CatchmentPairs(euclideanFrom: demand, to: supply, maximumCost: 2500)
        #expect(Self.rows(first) == Self.bruteForce(demand, supply, 2500))
        let reference = FloatingCatchment.scores(pairs: first, population: population, capacity: capacity, stages: .three,
                                                 decay: .gaussian(sigma: 1000))
        for _ in 0..<3 {
            let again = try CatchmentPairs(euclideanFrom: demand, to: supply, maximumCost: 2500)
            #expect(again.supplyIndices == first.supplyIndices && again.costs == first.costs)
            let scores = FloatingCatchment.scores(pairs: again, population: population, capacity: capacity, stages: .three,
                                                  decay: .gaussian(sigma: 1000))
            #expect(scores.scores.elementsEqual(reference.scores) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        }
    }

    @Test func degenerateExtentsAndEmptyInputs() throws {
        // Every supply point on one spot: a one-cell grid.
        let spot = [Coordinate](repeating: Coordinate(x: 10, y: 10), count: 4)
        let near = try CatchmentPairs(euclideanFrom: [Coordinate(x: 10, y: 13)], to: spot, maximumCost: 3)
        #expect(Self.rows(near) == [[0, 1, 2, 3]])
        let far = try CatchmentPairs(euclideanFrom: [Coordinate(x: 10, y: 13.5)], to: spot, maximumCost: 3)
        #expect(far.count == 0)
        // Queries far outside the grid.
        let outside = try CatchmentPairs(euclideanFrom: [Coordinate(x: -1e9, y: 1e9)], to: spot, maximumCost: 100)
        #expect(outside.count == 0 && outside.rowStarts == [0, 0])
        let noSupply = try CatchmentPairs(euclideanFrom: spot, to: [], maximumCost: 5)
        #expect(noSupply.count == 0 && noSupply.rowStarts == [0, 0, 0, 0, 0] && noSupply.columnStarts == [0])
    }

    @Test func invalidParametersAreReportedTogether() {
        #expect {
            try CatchmentPairs(euclideanFrom: [Coordinate(x: .nan, y: 0)], to: [Coordinate(x: 0, y: 0)], maximumCost: .infinity,
                               detourFactor: 0.8)
        } throws: { error in
            let e = error as! AccessError
            return e.problems.map(\.kind) == [.invalidParameter, .invalidParameter, .invalidValue]
                && e.description == """
                    the threshold must be a finite number, got inf
                    the detour factor must be a finite number ≥ 1, got 0.8
                    demand point 1 has a non-finite position (nan, 0.0)
                    """
        }
    }
}
