@testable import CarePoints
import CareGeometry
import Testing
import TestSupport

/// The x-sorted cut of the telescoped-disc path (issue 21): rows of cells sorted by x are cut at
/// the circle's inner and outer x by binary search. Known answers: the search against a linear
/// scan; the disc sums against the pair list (an independent computation) on lattices where
/// many points lie exactly on a band's circle or share an x, and on random points.
@Suite struct DiscCutTests {
    /// `searchSorted` finds the first x ≥ v (or > v) as a linear scan does, on sorted runs with
    /// repeated values, for v below, on, between and above the values, in every sub-range.
    @Test func searchSortedAgreesWithLinearScan() {
        var random = SplitMix64(state: 21)
        for length in [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 33, 100] {
            let xs = (0..<length).map { _ in Double(random.next() % 12) * 0.5 }.sorted()
            let probes = [-1.0, 0, 0.25, 0.5, 1, 2.75, 3, 5.5, 6, 7] + xs + xs.map(\.nextUp) + xs.map(\.nextDown)
            xs.withUnsafeBufferPointer { buffer in
                let p = buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                for lo in 0...length {
                    for hi in lo...length {
                        for v in probes {
                            let atLeast = (lo..<hi).first { xs[$0] >= v } ?? hi
                            let above = (lo..<hi).first { xs[$0] > v } ?? hi
                            #expect(CellSortedPoints.searchSorted(p, lo, hi, v, after: false) == atLeast, "\(xs) \(lo)..<\(hi) v \(v)")
                            #expect(CellSortedPoints.searchSorted(p, lo, hi, v, after: true) == above, "\(xs) \(lo)..<\(hi) v \(v)")
                        }
                    }
                }
            }
        }
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
            #expect(expected.pairCount > 100_000)
            #expect(streamed.pairCount == expected.pairCount)
            AccessFixture.expectScores(streamed.scores, expected.scores, tolerance: 1e-12)
            AccessFixture.expectScores(streamed.supplyRatios, expected.supplyRatios, tolerance: 1e-12)
        }
    }
}
