import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// The streaming two-stage kernel (``FloatingCatchment/twoStageStreaming(demand:supply:maximumCost:detourFactor:decay:progress:)``)
/// against the pair-list implementation (``CatchmentPairs`` + ``FloatingCatchment/twoStage(pairs:population:capacity:decay:)``),
/// an independent computation of the same formula: on seeded clustered instances with the special
/// cases (demand on a supply point, zero population, zero capacity, points out of reach), every
/// decay, with and without a detour factor, the scores and ratios agree to 1e-12 relative, with
/// NaN and ∞ at the same places, and the same pairs are counted.
@Suite struct StreamingCatchmentTests {
    struct Instance {
        var demand: [DemandPoint]
        var supply: [SupplyPoint]
    }

    /// Clustered points over 30 km, positions rounded to the centimetre; some demand exactly on a
    /// supply point, some zero populations and capacities, a remote village and an unreachable clinic.
    static func instance(seed: UInt64, demandCount: Int, supplyCount: Int) -> Instance {
        var random = SplitMix64(state: seed)
        let centres = (0..<5).map { _ in Coordinate(x: random.uniform(0...30_000), y: random.uniform(0...30_000)) }
        func position() -> Coordinate {
            if random.uniform() < 0.7 {
                let c = centres[Int(random.next() % 5)]
                return Coordinate(x: (c.x + random.uniform(-4000...4000) * 100).rounded() / 100,
                                  y: (c.y + random.uniform(-4000...4000) * 100).rounded() / 100)
            }
            return Coordinate(x: (random.uniform(0...30_000) * 100).rounded() / 100,
                              y: (random.uniform(0...30_000) * 100).rounded() / 100)
        }
        var supply = (0..<supplyCount).map { j in
            SupplyPoint(id: "s\(j)", position: position(), capacity: j % 17 == 0 ? 0 : Double(1 + random.next() % 30))
        }
        var demand = (0..<demandCount).map { i in
            DemandPoint(id: "d\(i)", position: i % 23 == 0 ? supply[i % supplyCount].position : position(),
                        population: i % 29 == 0 ? 0 : Double(random.next() % 3000))
        }
        demand.append(DemandPoint(id: "remote", position: Coordinate(x: 500_000, y: 500_000), population: 100))
        demand.append(DemandPoint(id: "empty_alone", position: Coordinate(x: -200_000, y: 0), population: 0))
        supply.append(SupplyPoint(id: "s_alone", position: Coordinate(x: -200_100, y: 0), capacity: 4))
        supply.append(SupplyPoint(id: "s_nobody", position: Coordinate(x: 0, y: -300_000), capacity: 7))
        return Instance(demand: demand, supply: supply)
    }

    static let decays: [(name: String, maximumCost: Double, decay: DistanceDecay)] = [
        ("uniform", 5000, .uniform),
        ("steps", 6000, .steps(FloatingCatchmentModel.defaultEnhancedBands(maximumCost: 6000))),
        ("five steps", 5000, .steps((1...5).map { DistanceBand(upperLimit: Double($0) * 1000, weight: 1 / Double($0)) })),
        // Weights that rise with distance take the band-by-band path, not the telescoped discs.
        ("rising steps", 6000, .steps([DistanceBand(upperLimit: 2000, weight: 0.3), DistanceBand(upperLimit: 4000, weight: 1),
                                       DistanceBand(upperLimit: 6000, weight: 0.5)])),
        // Steps that end before the threshold: pairs beyond the last step count with weight 0.
        ("steps ending early", 6000, .steps([DistanceBand(upperLimit: 1500, weight: 1), DistanceBand(upperLimit: 3500, weight: 0.4)])),
        ("gaussian", 6000, .gaussian(sigma: 2500)),
        ("gravity", 6000, .gravity(beta: 1.5, minimumCost: 100)),
        ("gravity, no floor", 6000, .gravity(beta: 1, minimumCost: 0)),
        // A minimum cost that floors many pairs (d² against its squared limit, not the cost).
        ("gravity, wide floor", 6000, .gravity(beta: 2.25, minimumCost: 1500)),
        // σ so small that most e^x underflow: those vectors take libm's exp lane by lane.
        ("gaussian, narrow", 6000, .gaussian(sigma: 150)),
        // β so large that most weights leave the normal range: libm's pow lane by lane.
        ("gravity, steep", 6000, .gravity(beta: 90, minimumCost: 0)),
        // β a multiple of ½: 1 / (powers and square roots of detour² d²), not ln and e^x.
        ("gravity, β = 2", 6000, .gravity(beta: 2, minimumCost: 10)),
        ("gravity, β = ½, no floor", 6000, .gravity(beta: 0.5, minimumCost: 0)),
    ]

    static func pairListScores(_ instance: Instance, maximumCost: Double, detourFactor: Double, decay: DistanceDecay) throws
        -> AccessScores
    {
        let pairs = try CatchmentPairs(euclideanFrom: instance.demand.map(\.position), to: instance.supply.map(\.position),
                                       maximumCost: maximumCost, detourFactor: detourFactor)
        return FloatingCatchment.twoStage(pairs: pairs, population: instance.demand.map(\.population),
                                          capacity: instance.supply.map(\.capacity), decay: decay)
    }

    @Test(arguments: decays.indices, [1.0, 1.3])
    func streamingEqualsPairList(decayIndex: Int, detourFactor: Double) throws {
        let (_, maximumCost, decay) = Self.decays[decayIndex]
        let instance = Self.instance(seed: 7 + UInt64(decayIndex), demandCount: 1500, supplyCount: 150)
        let expected = try Self.pairListScores(instance, maximumCost: maximumCost, detourFactor: detourFactor, decay: decay)
        let streamed = try FloatingCatchment.twoStageStreaming(
            demand: instance.demand, supply: instance.supply, maximumCost: maximumCost, detourFactor: detourFactor, decay: decay)
        #expect(expected.pairCount > 20_000, "the instance has many pairs")
        #expect(streamed.pairCount == expected.pairCount)
        AccessFixture.expectScores(streamed.scores, expected.scores, tolerance: 1e-12)
        AccessFixture.expectScores(streamed.supplyRatios, expected.supplyRatios, tolerance: 1e-12)
        #expect(streamed.demandWithoutSupply == expected.demandWithoutSupply)
        #expect(streamed.supplyWithoutDemand == expected.supplyWithoutDemand)
        #expect(streamed.undefinedCount == expected.undefinedCount)
        // The special cases are there: a remote village (NaN), an empty block alone with a
        // clinic (R = 4 / 0 = ∞), a clinic nobody reaches (NaN).
        #expect(streamed.scores[instance.demand.count - 2].isNaN)
        #expect(streamed.supplyRatios[instance.supply.count - 2] == .infinity)
        #expect(streamed.supplyRatios[instance.supply.count - 1].isNaN)
    }

    /// The public entry point streams two-stage methods on straight-line costs: same answers as
    /// the pair list, and the same bits on every run (sums in grid order, not thread order).
    @Test func scoresStreamAndRepeatBitForBit() throws {
        let instance = Self.instance(seed: 99, demandCount: 2000, supplyCount: 200)
        let model = try FloatingCatchmentModel.enhancedTwoStep(bands: FloatingCatchmentModel.defaultEnhancedBands(maximumCost: 7000))
        let first = try FloatingCatchment.scores(demand: instance.demand, supply: instance.supply,
                                                 cost: .euclidean(detourFactor: 1), model: model, normalize: true)
        let expected = try Self.pairListScores(instance, maximumCost: 7000, detourFactor: 1, decay: model.decay)
        let normalizedExpected = FloatingCatchment.normalized(expected, population: instance.demand.map(\.population))
        AccessFixture.expectScores(first.scores, normalizedExpected.scores, tolerance: 1e-12)
        for _ in 0..<3 {
            let again = try FloatingCatchment.scores(demand: instance.demand, supply: instance.supply,
                                                     cost: .euclidean(detourFactor: 1), model: model, normalize: true)
            #expect(again.scores.map(\.bitPattern) == first.scores.map(\.bitPattern))
            #expect(again.supplyRatios.map(\.bitPattern) == first.supplyRatios.map(\.bitPattern))
        }
    }

    /// Pairs exactly at the threshold and at a band limit are in (c ≤ d0), one ulp beyond is out,
    /// with and without a detour factor: the squared-distance test decides as the cost would.
    @Test func boundaryPairsAsThePairList() throws {
        // 3-4-5 triangles: distance exactly 5000 from the supply at the origin.
        let supply = [SupplyPoint(id: "s", position: Coordinate(x: 0, y: 0), capacity: 10)]
        let demand = [
            DemandPoint(id: "at", position: Coordinate(x: 3000, y: 4000), population: 1),
            DemandPoint(id: "beyond", position: Coordinate(x: 3000, y: 4000.000000000001), population: 1),
            DemandPoint(id: "band", position: Coordinate(x: 1800, y: 2400), population: 1),  // exactly 3000
            DemandPoint(id: "inner", position: Coordinate(x: 100, y: 0), population: 2),
        ]
        let bands = [DistanceBand(upperLimit: 3000, weight: 1), DistanceBand(upperLimit: 5000, weight: 0.5)]
        let r = try FloatingCatchment.twoStageStreaming(demand: demand, supply: supply, maximumCost: 5000, detourFactor: 1,
                                                        decay: .steps(bands))
        // D = 1 × 0.5 + 1 × 1 + 2 × 1 = 3.5; R = 10 / 3.5.
        #expect(r.pairCount == 3)
        AccessFixture.expectScores(r.supplyRatios, [10 / 3.5], tolerance: 1e-15)
        AccessFixture.expectScores(r.scores, [10 / 3.5 * 0.5, .nan, 10 / 3.5, 10 / 3.5], tolerance: 1e-15)
        for detour in [1.0, 1.3, 1.7] {
            for maximumCost in [5000.0, 5000 * detour, (5000 * detour).nextDown, 3000 * detour] {
                let instance = Instance(demand: demand, supply: supply)
                let expected = try Self.pairListScores(instance, maximumCost: maximumCost, detourFactor: detour, decay: .uniform)
                let streamed = try FloatingCatchment.twoStageStreaming(
                    demand: demand, supply: supply, maximumCost: maximumCost, detourFactor: detour, decay: .uniform)
                #expect(streamed.pairCount == expected.pairCount, "detour \(detour), d0 \(maximumCost)")
                AccessFixture.expectScores(streamed.scores, expected.scores, tolerance: 0)
            }
        }
    }

    /// Hand-computable: two supplies, three demand points on a line, uniform decay, d0 = 1000.
    /// s1 at 0 reaches d1 (0) and d2 (1000): R1 = 6 / (100 + 200) = 0.02; s2 at 1500 reaches d2
    /// and d3 (2400): R2 = 9 / (200 + 300) = 0.018. A = 0.02, 0.038, 0.018.
    @Test func handExample() throws {
        let demand = AccessFixture.demand([("d1", 0, 0, 100), ("d2", 1000, 0, 200), ("d3", 2400, 0, 300)])
        let supply = AccessFixture.supply([("s1", 0, 0, 6), ("s2", 1500, 0, 9)])
        let r = try FloatingCatchment.twoStageStreaming(demand: demand, supply: supply, maximumCost: 1000, detourFactor: 1,
                                                        decay: .uniform)
        AccessFixture.expectScores(r.supplyRatios, [0.02, 0.018], tolerance: 1e-15)
        AccessFixture.expectScores(r.scores, [0.02, 0.038, 0.018], tolerance: 1e-15)
        #expect(r.pairCount == 4)
        #expect(r.demandWithoutSupply.isEmpty && r.supplyWithoutDemand.isEmpty)
    }

    /// A negative threshold keeps no pair (PySAL's `cost <= max_cost`); invalid parameters are
    /// reported, each of them.
    @Test func negativeThresholdAndInvalidInput() throws {
        let demand = AccessFixture.demand([("d", 0, 0, 1)])
        let supply = AccessFixture.supply([("s", 0, 0, 1)])
        let none = try FloatingCatchment.twoStageStreaming(demand: demand, supply: supply, maximumCost: -1, detourFactor: 1,
                                                           decay: .uniform)
        #expect(none.pairCount == 0 && none.scores[0].isNaN && none.supplyRatios[0].isNaN)
        #expect(none.demandWithoutSupply == [0] && none.supplyWithoutDemand == [0])
        let invalid = Result { () throws(AccessError) -> AccessScores in
            try FloatingCatchment.twoStageStreaming(
                demand: AccessFixture.demand([("d", .nan, 0, 1)]), supply: supply, maximumCost: .infinity, detourFactor: 0.5,
                decay: .uniform)
        }
        guard case .failure(let error) = invalid else {
            Issue.record("invalid input accepted")
            return
        }
        // A non-finite threshold, a detour factor below 1, a non-finite position.
        #expect(error.problems.count == 3, "\(error)")
    }
}
