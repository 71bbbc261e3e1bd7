import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// Helpers of the floating-catchment tests.
enum AccessFixture {
    /// Demand points from (id, x, y, population) tuples.
    static func demand(_ rows: [(String, Double, Double, Double)]) -> [DemandPoint] {
        rows.map { DemandPoint(id: $0.0, position: Coordinate(x: $0.1, y: $0.2), population: $0.3) }
    }

    /// Supply points from (id, x, y, capacity) tuples.
    static func supply(_ rows: [(String, Double, Double, Double)]) -> [SupplyPoint] {
        rows.map { SupplyPoint(id: $0.0, position: Coordinate(x: $0.1, y: $0.2), capacity: $0.3) }
    }

    /// The folder of the PySAL reference fixtures.
    static let folder = repositoryRoot.appendingPathComponent("Tests/CarePointsTests/Fixtures/access")

    /// Scores equal value by value within `tolerance` relative difference (0: the same doubles);
    /// NaN must match NaN and ±∞ the same infinity.
    static func expectScores(_ actual: [Double], _ expected: [Double], tolerance: Double = 0,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "count", sourceLocation: sourceLocation)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            if e.isNaN {
                #expect(a.isNaN, "score \(i): expected nan, got \(a)", sourceLocation: sourceLocation)
            } else if e.isInfinite {
                #expect(a == e, "score \(i): expected \(e), got \(a)", sourceLocation: sourceLocation)
            } else {
                #expect(relativeDifference(a, e) <= tolerance, "score \(i): expected \(e), got \(a)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// A seeded generator for test data (the project's ``SplitMix64``), the same sequence on
    /// every platform.
    struct Random: RandomNumberGenerator {
        private var base: SplitMix64
        init(seed: UInt64) { base = SplitMix64(state: seed) }
        mutating func next() -> UInt64 { base.next() }
    }
}

/// PySAL `access`'s own known answers (`access/tests/test_floating_catchment_area.py`, version
/// 1.1.10): supply is a 5 × 5 grid of unit supply at spacing 1 (`create_nxn_grid(5)`), demand is
/// 5 of those grid points with unit demand (`supply_grid.sample(5)`, unseeded, so several subsets
/// are tried here), cost the Euclidean distance. PySAL asserts exactly 5 with no `max_cost`, exactly
/// 1 with `max_cost=0.9`, and NaN with `max_cost=-1`, for 2SFCA, E2SFCA (default weights) and
/// 3SFCA (`step_fn({10: 25})`).
@Suite struct AccessPySALGridTests {
    static let grid: [SupplyPoint] = (0..<5).flatMap { x in
        (0..<5).map { y in SupplyPoint(id: "\(x * 5 + y + 1)", position: Coordinate(x: Double(x), y: Double(y)), capacity: 1) }
    }

    /// Subsets of 5 grid points standing for PySAL's unseeded sample: a corner set, a row, a
    /// diagonal, and seeded random draws.
    static let demandSubsets: [[Int]] = {
        var subsets = [[0, 4, 20, 24, 12], [10, 11, 12, 13, 14], [0, 6, 12, 18, 24]]
        var generator = AccessFixture.Random(seed: 44)
        for _ in 0..<5 { subsets.append(Array(Array(0..<25).shuffled(using: &generator).prefix(5))) }
        return subsets
    }()

    static func demand(_ subset: [Int]) -> [DemandPoint] {
        subset.map { DemandPoint(id: grid[$0].id, position: grid[$0].position, population: 1) }
    }

    /// PySAL's E2SFCA default, `step_fn({10: 1, 20: 0.68, 30: 0.22})`.
    static let pysalEnhancedDefault = DistanceDecay.steps([
        DistanceBand(upperLimit: 10, weight: 1), DistanceBand(upperLimit: 20, weight: 0.68), DistanceBand(upperLimit: 30, weight: 0.22),
    ])
    /// PySAL's 3SFCA default, `step_fn({10: 0.962, 20: 0.704, 30: 0.377, 60: 0.042})`.
    static let pysalThreeStepDefault = DistanceDecay.steps(FloatingCatchmentModel.defaultThreeStepBands(maximumCost: 60))

    /// Every score for one threshold, over the pair-level API (which, like PySAL, accepts a
    /// negative threshold). "No max_cost" is 10, beyond the grid's diagonal √32.
    static func scores(_ subset: [Int], maximumCost: Double, stages: FloatingCatchmentModel.Stages, decay: DistanceDecay,
                       normalize: Bool = false) throws -> AccessScores {
        let demand = demand(subset)
        let pairs = try CatchmentPairs(euclideanFrom: demand.map(\.position), to: grid.map(\.position), maximumCost: maximumCost)
        return FloatingCatchment.scores(pairs: pairs, population: demand.map(\.population), capacity: grid.map(\.capacity),
                                        stages: stages, decay: decay, normalize: normalize)
    }

    @Test(arguments: demandSubsets)
    func twoStepLargeSmallNegative(subset: [Int]) throws {
        // Large: every demand point reaches all 25 supplies, each shared by 5: Σ 25 × 1/5 = 5
        // exactly (the compensated sum; a plain left-to-right sum gives 5.000000000000002).
        #expect(try Self.scores(subset, maximumCost: 10, stages: .two, decay: .uniform).scores == [5, 5, 5, 5, 5])
        // Small (0.9): each demand point reaches only the supply on it, shared with nobody: 1/1.
        #expect(try Self.scores(subset, maximumCost: 0.9, stages: .two, decay: .uniform).scores == [1, 1, 1, 1, 1])
        let negative = try Self.scores(subset, maximumCost: -1, stages: .two, decay: .uniform)
        #expect(negative.scores.allSatisfy { $0.isNaN })
        #expect(negative.pairCount == 0 && negative.undefinedCount == 5)
    }

    @Test(arguments: demandSubsets)
    func enhancedTwoStepLargeSmallNegative(subset: [Int]) throws {
        let decay = Self.pysalEnhancedDefault
        #expect(try Self.scores(subset, maximumCost: 10, stages: .two, decay: decay).scores == [5, 5, 5, 5, 5])
        #expect(try Self.scores(subset, maximumCost: 0.9, stages: .two, decay: decay).scores == [1, 1, 1, 1, 1])
        #expect(try Self.scores(subset, maximumCost: -1, stages: .two, decay: decay).scores.allSatisfy { $0.isNaN })
    }

    @Test(arguments: demandSubsets)
    func threeStepLargeSmallNegative(subset: [Int]) throws {
        let decay = DistanceDecay.steps([DistanceBand(upperLimit: 10, weight: 25)])
        #expect(try Self.scores(subset, maximumCost: 10, stages: .three, decay: decay).scores == [5, 5, 5, 5, 5])
        #expect(try Self.scores(subset, maximumCost: 0.9, stages: .three, decay: decay).scores == [1, 1, 1, 1, 1])
        #expect(try Self.scores(subset, maximumCost: -1, stages: .three, decay: Self.pysalThreeStepDefault).scores.allSatisfy { $0.isNaN })
    }

    /// PySAL's normalised grid test reads the raw column (5); the normalised values it returns
    /// are A / (Σ P A / Σ P) = 5 / 5 = 1.
    @Test func normalizedGridIsOne() throws {
        let twoStep = try Self.scores(Self.demandSubsets[0], maximumCost: 10, stages: .two, decay: .uniform, normalize: true)
        #expect(twoStep.scores == [1, 1, 1, 1, 1])
        #expect(twoStep.normalizationMean == 5)
        let threeStep = try Self.scores(Self.demandSubsets[1], maximumCost: 10, stages: .three,
                                        decay: .steps([DistanceBand(upperLimit: 10, weight: 25)]), normalize: true)
        #expect(threeStep.scores == [1, 1, 1, 1, 1])
    }

    /// The validated entry point refuses the negative threshold that the pair level accepts.
    @Test func validatedModelRefusesNonPositiveThreshold() {
        for threshold in [-1.0, 0, .nan, .infinity] {
            #expect(throws: AccessError.self) { try FloatingCatchmentModel.twoStep(maximumCost: threshold) }
        }
        do {
            _ = try FloatingCatchmentModel.twoStep(maximumCost: -1)
        } catch {
            #expect(error.problems.map(\.kind) == [.invalidParameter])
            #expect(error.description == "the threshold must be a finite number > 0, got -1.0; give the catchment size in the cost's unit, e.g. 5000 for 5 km")
        }
    }
}

/// A tiny instance worked out by hand for every method.
///
///     demand  a (0, 0) P=100    b (3000, 0) P=300    c (10000, 0) P=50
///     supply  h (1000, 0) S=6   k (5000, 0) S=3      d0 = 4000 m
///
/// Costs within d0: a–h 1000, b–h 2000, b–k 2000 (a–k 5000, c–h 9000, c–k 5000 are out), so c has
/// no supply in reach (NaN). Every expected value below was also printed by PySAL access 1.1.10.
@Suite struct AccessHandComputedTests {
    static let demand = AccessFixture.demand([("a", 0, 0, 100), ("b", 3000, 0, 300), ("c", 10000, 0, 50)])
    static let supply = AccessFixture.supply([("h", 1000, 0, 6), ("k", 5000, 0, 3)])
    static let cost = AccessCost.euclidean(detourFactor: 1)

    static func run(_ model: FloatingCatchmentModel, normalize: Bool = false) throws -> AccessScores {
        try FloatingCatchment.scores(demand: demand, supply: supply, cost: cost, model: model, normalize: normalize)
    }

    @Test func twoStep() throws {
        // R_h = 6 / (100 + 300) = 0.015, R_k = 3 / 300 = 0.01.
        // A_a = R_h = 0.015; A_b = R_h + R_k = 0.025; A_c = NaN.
        let r = try Self.run(.twoStep(maximumCost: 4000))
        AccessFixture.expectScores(r.scores, [0.015, 0.025, .nan], tolerance: 1e-15)
        AccessFixture.expectScores(r.supplyRatios, [0.015, 0.01], tolerance: 1e-15)
        #expect(r.pairCount == 3)
        #expect(r.demandWithoutSupply == [2])
        #expect(r.supplyWithoutDemand == [])
        #expect(r.undefinedCount == 1)
        #expect(r.normalizationMean == nil)
    }

    @Test func twoStepNormalized() throws {
        // Mean = (0.015 × 100 + 0.025 × 300) / (100 + 300 + 50) = 9 / 450 = 0.02 (c's population
        // counts in the denominator, its NaN score not in the numerator).
        let r = try Self.run(.twoStep(maximumCost: 4000), normalize: true)
        AccessFixture.expectScores(r.scores, [0.75, 1.25, .nan], tolerance: 1e-15)
        #expect(relativeDifference(r.normalizationMean ?? 0, 0.02) < 1e-15)
    }

    @Test func enhancedTwoStep() throws {
        // Bands 1000:1, 2000:0.5, 4000:0.25 (limits inclusive): f(a–h) = 1, f(b–h) = f(b–k) = 0.5.
        // R_h = 6 / (100 × 1 + 300 × 0.5) = 6 / 250 = 0.024; R_k = 3 / (300 × 0.5) = 0.02.
        // A_a = 0.024 × 1 = 0.024; A_b = 0.024 × 0.5 + 0.02 × 0.5 = 0.022.
        let bands = try DistanceDecay.parseBands("1000:1,2000:0.5,4000:0.25")
        let model = try FloatingCatchmentModel.enhancedTwoStep(bands: bands)
        #expect(model.maximumCost == 4000)
        AccessFixture.expectScores(try Self.run(model).scores, [0.024, 0.022, .nan], tolerance: 1e-15)
    }

    @Test func gaussian() throws {
        // σ = 2000: f(1000) = exp(−1/8), f(2000) = exp(−1/2).
        // R_h = 6 / (100 e^(−1/8) + 300 e^(−1/2)); R_k = 3 / (300 e^(−1/2)).
        // A_a = R_h e^(−1/8) ≈ 0.019595881731811093; A_b = (R_h + R_k) e^(−1/2) ≈ 0.023468039422729636.
        let f1 = exp(-0.125), f2 = exp(-0.5)
        let rh = 6 / (100 * f1 + 300 * f2), rk = 3 / (300 * f2)
        let r = try Self.run(.gaussian(maximumCost: 4000, sigma: 2000))
        AccessFixture.expectScores(r.scores, [rh * f1, (rh + rk) * f2, .nan], tolerance: 1e-15)
        AccessFixture.expectScores(r.scores, [0.019595881731811093, 0.023468039422729636, .nan], tolerance: 1e-15)
    }

    @Test func gravity() throws {
        // β = 1: f(1000) = 0.001, f(2000) = 0.0005.
        // R_h = 6 / (0.1 + 0.15) = 24; R_k = 3 / 0.15 = 20.
        // A_a = 24 × 0.001 = 0.024; A_b = 24 × 0.0005 + 20 × 0.0005 = 0.022 (as E2SFCA: same weight ratio).
        let r = try Self.run(.gravity(maximumCost: 4000, beta: 1))
        AccessFixture.expectScores(r.scores, [0.024, 0.022, .nan], tolerance: 1e-15)
        AccessFixture.expectScores(r.supplyRatios, [24, 20], tolerance: 1e-15)
    }

    @Test func threeStep() throws {
        // Same bands as E2SFCA. Selection weights: a reaches only h, G_ah = 1; b reaches h and k at
        // weight 0.5 each, G_bh = G_bk = 0.5 / (0.5 + 0.5) = 0.5.
        // R_h = 6 / (100 × 1 × 1 + 300 × 0.5 × 0.5) = 6 / 175; R_k = 3 / (300 × 0.5 × 0.5) = 0.04.
        // A_a = 6/175 × 1 × 1 ≈ 0.0342857; A_b = 6/175 × 0.25 + 0.04 × 0.25 = 0.0185714….
        let bands = try DistanceDecay.parseBands("1000:1,2000:0.5,4000:0.25")
        let r = try Self.run(.threeStep(maximumCost: 4000, decay: .steps(bands)))
        AccessFixture.expectScores(r.scores, [6.0 / 175, 6.0 / 175 / 4 + 0.01, .nan], tolerance: 1e-15)
        AccessFixture.expectScores(r.scores, [0.03428571428571429, 0.018571428571428572, .nan], tolerance: 1e-15)
    }

    /// Gravity at cost 0 without a minimum: f(0) = 0^(−1) = ∞, so R_h = 1 / ∞ = 0 and a's term
    /// 0 × ∞ = NaN is left out: both score 0 (PySAL prints 0.0, 0.0). With a 100 m minimum:
    /// f(0) = 0.01, f(1000) = 0.001, R_h = 1 / (1 + 0.1), A_a = 0.01 / 1.1, A_b = 0.001 / 1.1.
    @Test func gravityAtZeroCost() throws {
        let demand = AccessFixture.demand([("a", 0, 0, 100), ("b", 1000, 0, 100)])
        let supply = AccessFixture.supply([("h", 0, 0, 1)])
        let bare = try FloatingCatchment.scores(demand: demand, supply: supply, cost: Self.cost,
                                                model: .gravity(maximumCost: 4000, beta: 1))
        #expect(bare.scores == [0, 0])
        let floored = try FloatingCatchment.scores(demand: demand, supply: supply, cost: Self.cost,
                                                   model: .gravity(maximumCost: 4000, beta: 1, minimumCost: 100))
        AccessFixture.expectScores(floored.scores, [0.01 / 1.1, 0.001 / 1.1], tolerance: 1e-15)
    }

    /// Catchments without demand, as PySAL computes them (PySAL prints inf, 0.0, 0.2 for both):
    /// a (P=0) is alone with h (S=5): R_h = 5/0 = +∞, A_a = +∞; b (P=0) is alone with k (S=0):
    /// R_k = 0/0 = NaN, left out of b's sum, A_b = 0; c (P=10) with m (S=2): 0.2.
    @Test(arguments: [FloatingCatchmentModel.Stages.two, .three])
    func emptyCatchments(stages: FloatingCatchmentModel.Stages) throws {
        let demand = AccessFixture.demand([("a", 0, 0, 0), ("b", 100_000, 0, 0), ("c", 50_000, 0, 10)])
        let supply = AccessFixture.supply([("h", 500, 0, 5), ("k", 100_000, 300, 0), ("m", 50_000, 100, 2)])
        let model = try FloatingCatchmentModel(stages: stages, decay: .uniform, maximumCost: 4000)
        let r = try FloatingCatchment.scores(demand: demand, supply: supply, cost: Self.cost, model: model)
        AccessFixture.expectScores(r.scores, [.infinity, 0, 0.2])
        #expect(r.supplyRatios[0] == .infinity && r.supplyRatios[1].isNaN && r.supplyRatios[2] == 0.2)
        #expect(r.supplyWithoutDemand == [0, 1])
        #expect(r.demandWithoutSupply == [])
        #expect(r.undefinedCount == 0)
        // The normalised mean leaves out a's 0 × ∞: (0.2 × 10) / 10 = 0.2.
        let normalized = FloatingCatchment.normalized(r, population: demand.map(\.population))
        #expect(normalized.normalizationMean == 0.2)
        AccessFixture.expectScores(normalized.scores, [.infinity, 0, 1])
    }

    /// A pair inside d0 but beyond the last band weighs 0: a (reaching h only at 2500 m, past the
    /// 1000 m band) scores 0, not NaN; in 3SFCA its selection weights are 0/0 = NaN and it drops
    /// out of both sums, also scoring 0. PySAL prints 0.0, 0.4 for both.
    @Test(arguments: [FloatingCatchmentModel.Stages.two, .three])
    func zeroWeightPairs(stages: FloatingCatchmentModel.Stages) throws {
        let demand = AccessFixture.demand([("a", 0, 0, 10), ("b", 0, 3000, 10)])
        let supply = AccessFixture.supply([("h", 0, 2500, 4)])
        let model = try FloatingCatchmentModel(stages: stages, decay: .steps([DistanceBand(upperLimit: 1000, weight: 1)]),
                                               maximumCost: 4000)
        let r = try FloatingCatchment.scores(demand: demand, supply: supply, cost: Self.cost, model: model)
        AccessFixture.expectScores(r.scores, [0, 0.4], tolerance: 1e-15)
    }

    /// A detour factor multiplies every distance: with 1.5, a–h costs 1500 and b–h, b–k 3000, so
    /// with d0 = 3000 the catchments are those of the plain example at d0 = 4000.
    @Test func detourFactor() throws {
        let r = try FloatingCatchment.scores(demand: Self.demand, supply: Self.supply, cost: .euclidean(detourFactor: 1.5),
                                             model: .twoStep(maximumCost: 3000))
        AccessFixture.expectScores(r.scores, [0.015, 0.025, .nan], tolerance: 1e-15)
        let tight = try FloatingCatchment.scores(demand: Self.demand, supply: Self.supply, cost: .euclidean(detourFactor: 1.5),
                                                 model: .twoStep(maximumCost: 2999))
        AccessFixture.expectScores(tight.scores, [6.0 / 100, .nan, .nan], tolerance: 1e-15)
    }

    /// The same instance through a cost table gives the same scores as through positions: the same
    /// bits for step weights; to 1e-15 for the Gaussian, whose e^x is libm's on the table path and
    /// the table-driven SIMD one (≤ 4.5e-16 from libm) on the position path.
    @Test func costTableMatchesEuclidean() throws {
        let table = CostTable(entries: [
            .init(origin: "b", destination: "k", cost: 2000), .init(origin: "a", destination: "h", cost: 1000),
            .init(origin: "b", destination: "h", cost: 2000), .init(origin: "a", destination: "k", cost: 5000),
        ])
        for model in [try FloatingCatchmentModel.twoStep(maximumCost: 4000), try .gaussian(maximumCost: 4000, sigma: 2000),
                      try .threeStep(maximumCost: 4000, decay: .gaussian(sigma: 1000))] {
            let viaTable = try FloatingCatchment.scores(demand: Self.demand, supply: Self.supply, cost: .table(table), model: model)
            let viaPositions = try Self.run(model)
            let stepWeights: Bool
            switch model.decay {
            case .uniform, .steps: stepWeights = true
            case .gaussian, .gravity: stepWeights = false
            }
            AccessFixture.expectScores(viaTable.scores, viaPositions.scores, tolerance: stepWeights ? 0 : 1e-15)
            #expect(viaTable.pairCount == 3)
        }
    }
}
