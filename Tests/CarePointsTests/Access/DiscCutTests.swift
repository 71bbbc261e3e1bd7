@testable import CarePoints
import CareGeometry
import Testing
import TestSupport

/// The strip cut of the telescoped-disc path (issue 21): rows of cells sorted by x and cut into
/// strips of 1/8 cell, so that a disc tests point by point only the strips its circle crosses.
/// Known answers: the strip table against the points' own coordinates; the disc sums against the
/// pair list (an independent computation) on lattices where many points lie exactly on a band's
/// circle or share an x, and on random points.
@Suite struct DiscCutTests {
    /// The strip table: every row of cells is sorted by x, and strip f of row r holds exactly the
    /// points whose y falls in row r and whose x falls in [minX + f·w, minX + (f + 1)·w), the
    /// first and last strips also what lies beyond; every point is in one strip. Points with
    /// many equal x (rounded to 50 m) and points on strip edges.
    @Test func stripsHoldTheirPointsInXOrder() {
        var random = SplitMix64(state: 21)
        var points = (0..<5000).map { _ in Coordinate(x: (random.uniform() * 200).rounded() * 50, y: random.uniform() * 10_000) }
        points += (0..<200).map { k in Coordinate(x: Double(k) * 62.5, y: Double(k % 40) * 250) }
        let frame = points.dropFirst().reduce(Envelope(points[0])) { e, p in
            var e = e
            e.expand(toInclude: p)
            return e
        }
        let grid = CellSortedPoints(points: points, values: points.map { _ in 1 }, frame: frame, radius: 2000)
        #expect(grid.fineColumns == grid.columns * CellSortedPoints.stripsPerCell)
        #expect(grid.fineStarts.first == 0 && grid.fineStarts.last == points.count)
        func index(_ scaled: Double, _ limit: Int) -> Int { Swift.min(Swift.max(Int(scaled.rounded(.down)), 0), limit - 1) }
        var seen = [Int](repeating: 0, count: points.count)
        for row in 0..<grid.rows {
            var previousX = -Double.infinity
            for f in 0..<grid.fineColumns {
                for slot in grid.fineStarts[row * grid.fineColumns + f]..<grid.fineStarts[row * grid.fineColumns + f + 1] {
                    let p = points[grid.index(slot)]
                    #expect(grid.x(slot) == p.x && grid.y(slot) == p.y)
                    #expect(index((p.y - grid.minY) / grid.cellSize, grid.rows) == row)
                    #expect(index((p.x - grid.minX) / grid.fineWidth, grid.fineColumns) == f)
                    #expect(p.x >= previousX, "row \(row) sorted by x")
                    previousX = p.x
                    seen[grid.index(slot)] += 1
                }
            }
        }
        #expect(seen.allSatisfy { $0 == 1 })
    }

    /// Supplies on a 400 m lattice of demand points: with E2SFCA's limits 2, 4 and 6 km the
    /// lattice holds 3-4-5 points exactly on every band's circle ((1200, 1600), (2400, 3200),
    /// (3600, 4800), (0, 6000), …), and whole columns share one x. The streaming path keeps
    /// exactly the pair list's pairs and its scores agree to 1e-12, for uniform and step decays,
    /// with and without a detour factor, and with a threshold one ulp below the circle.
    @Test(arguments: [1.0, 1.25])
    func pointsOnTheCirclesAsThePairList(detourFactor: Double) throws {
        var demand: [DemandPoint] = []
        for i in 0..<60 {
            for j in 0..<60 {
                demand.append(DemandPoint(id: "d\(i)_\(j)", position: Coordinate(x: Double(i) * 400, y: Double(j) * 400),
                                          population: Double((i * 7 + j * 13) % 50)))
            }
        }
        let supply = [(8000.0, 8000.0), (12000, 10000), (0, 0), (23600, 400), (11800, 11800)].enumerated().map { k, p in
            SupplyPoint(id: "s\(k)", position: Coordinate(x: p.0, y: p.1), capacity: Double(10 + k))
        }
        let instance = StreamingCatchmentTests.Instance(demand: demand, supply: supply)
        for maximumCost in [6000 * detourFactor, (6000 * detourFactor).nextDown, 4000 * detourFactor] {
            for decay in [DistanceDecay.uniform, .steps(FloatingCatchmentModel.defaultEnhancedBands(maximumCost: maximumCost))] {
                let expected = try StreamingCatchmentTests.pairListScores(
                    instance, maximumCost: maximumCost, detourFactor: detourFactor, decay: decay)
                let streamed = try FloatingCatchment.twoStageStreaming(
                    demand: demand, supply: supply, maximumCost: maximumCost, detourFactor: detourFactor, decay: decay)
                #expect(streamed.pairCount == expected.pairCount, "d0 \(maximumCost), \(decay)")
                AccessFixture.expectScores(streamed.scores, expected.scores, tolerance: 1e-12)
                AccessFixture.expectScores(streamed.supplyRatios, expected.supplyRatios, tolerance: 1e-12)
            }
        }
    }

    /// Random points with x rounded to 50 m (many ties in x, inside and across cells), many
    /// more supplies than the lattice test, so that every row position of the cut is met.
    @Test func randomPointsWithTiedXAsThePairList() throws {
        var random = SplitMix64(state: 2121)
        let demand = (0..<3000).map { i in
            DemandPoint(id: "d\(i)", position: Coordinate(x: (random.uniform() * 400).rounded() * 50, y: random.uniform() * 20_000),
                        population: Double(random.next() % 100))
        }
        let supply = (0..<300).map { j in
            SupplyPoint(id: "s\(j)", position: Coordinate(x: (random.uniform() * 400).rounded() * 50, y: random.uniform() * 20_000),
                        capacity: Double(1 + random.next() % 20))
        }
        let instance = StreamingCatchmentTests.Instance(demand: demand, supply: supply)
        for decay in [DistanceDecay.uniform, .steps(FloatingCatchmentModel.defaultEnhancedBands(maximumCost: 3000))] {
            let expected = try StreamingCatchmentTests.pairListScores(instance, maximumCost: 3000, detourFactor: 1, decay: decay)
            let streamed = try FloatingCatchment.twoStageStreaming(demand: demand, supply: supply, maximumCost: 3000, detourFactor: 1,
                                                                   decay: decay)
            #expect(expected.pairCount > 50_000)
            #expect(streamed.pairCount == expected.pairCount)
            AccessFixture.expectScores(streamed.scores, expected.scores, tolerance: 1e-12)
            AccessFixture.expectScores(streamed.supplyRatios, expected.supplyRatios, tolerance: 1e-12)
        }
    }

    /// NaN values inside the discs (the disc sums read the grid's copy of its values with NaN
    /// set to 0, without a NaN test per term: ``UniformNumberWeight``): the sums leave them
    /// out, as the direct loop over every point does, and count their points. Every fifth value
    /// is NaN; whole-number values, so the reference sums are exact. Fails if a NaN reaches the
    /// crossed strips' loop (the sum turns NaN).
    @Test func nanValuesInsideTheDiscsAreLeftOut() {
        var random = SplitMix64(state: 77)
        let points = (0..<4000).map { _ in Coordinate(x: (random.uniform() * 300).rounded() * 50, y: random.uniform() * 15_000) }
        let values = points.indices.map { k in k % 5 == 2 ? Double.nan : Double(random.next() % 100) }
        let frame = points.dropFirst().reduce(Envelope(points[0])) { e, p in
            var e = e
            e.expand(toInclude: p)
            return e
        }
        let grid = CellSortedPoints(points: points, values: values, frame: frame, radius: 3000)
        let limits = [1000.0, 2000, 3000].map { $0 * $0 }, weights = [1.0, 0.68, 0.22]
        let bands = BandTable(squaredLimits: limits, weights: weights, limit: limits[2])
        #expect(bands.telescoping)
        var checked = 0
        for _ in 0..<200 {
            let qx = random.uniform() * 15_000, qy = random.uniform() * 15_000
            var expected = 0.0, count = 0, nanInside = 0
            for (p, v) in zip(points, values) {
                let d2 = (p.x - qx) * (p.x - qx) + (p.y - qy) * (p.y - qy)
                guard d2 <= limits[2] else { continue }
                count += 1
                if v.isNaN { nanInside += 1; continue }
                expected += v * (d2 <= limits[0] ? weights[0] : d2 <= limits[1] ? weights[1] : weights[2])
            }
            let result = grid.sum(around: qx, qy, radius: 3000, limit: limits[2], UniformWeight(), bands)
            #expect(result.count == count)
            #expect(abs(result.sum - expected) <= 1e-12 * Swift.max(1, expected), "query (\(qx), \(qy)): \(result.sum) vs \(expected)")
            if nanInside > 0 { checked += 1 }
        }
        #expect(checked > 150, "most discs hold a NaN value")
    }
}
