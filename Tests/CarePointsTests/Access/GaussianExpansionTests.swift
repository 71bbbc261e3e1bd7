@testable import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// The Gaussian's cell expansions (``GaussianExpansion``, issue 21) against a plain O(n·m) double
/// loop with libm's `exp` (an independent computation of PySAL's two-stage formula): on seeded
/// dense point sets where most cells are expanded, with several σ, thresholds and detour factors,
/// a lattice whose points lie on cell edges, cells with one point, empty cells, an isolated
/// cluster with zero population (R = ∞) and a clinic of capacity 0 (R = NaN), σ so small that no
/// expansion may be used and σ so large that every expansion has order 1. Scores and ratios agree
/// within 1e−12 relative, NaN and ∞ at the same places, and the same pairs are counted.
@Suite struct GaussianExpansionTests {
    struct Instance {
        var demand: [Coordinate], population: [Double]
        var supply: [Coordinate], capacity: [Double]
    }

    /// `demandCount` points over a `side` m square (positions to the centimetre), a 50 m lattice
    /// strip (points on many cell edges), a sparse corner (cells with one point), a hole (empty
    /// cells), and 25 km away a cluster whose 40 demand points have population 0 around two clinics
    /// (capacity 5: R = 5/0 = ∞; capacity 0: R = 0/0 = NaN).
    static func instance(seed: UInt64, demandCount: Int, supplyCount: Int, side: Double) -> Instance {
        var random = SplitMix64(state: seed)
        func position() -> Coordinate {
            while true {
                let p = Coordinate(x: (random.uniform() * side * 100).rounded() / 100, y: (random.uniform() * side * 100).rounded() / 100)
                // A hole of empty cells.
                if abs(p.x - side * 0.7) < side * 0.08 && abs(p.y - side * 0.3) < side * 0.08 { continue }
                return p
            }
        }
        var demand = (0..<demandCount).map { _ in position() }
        var population = demand.indices.map { i in i % 31 == 0 ? 0 : Double(1 + random.next() % 2000) }
        // A lattice strip: x and y multiples of 50 m.
        for k in 0..<400 {
            demand.append(Coordinate(x: Double(k % 40) * 50, y: side * 0.5 + Double(k / 40) * 50))
            population.append(Double(100 + k))
        }
        // A sparse corner: one point per ~cell.
        for k in 0..<12 {
            demand.append(Coordinate(x: -side * 0.1 - Double(k) * 900, y: -side * 0.1))
            population.append(50)
        }
        var supply = (0..<supplyCount).map { _ in position() }
        var capacity = supply.indices.map { j in j % 13 == 0 ? 0 : Double(1 + random.next() % 40) }
        let far = Coordinate(x: side + 25_000, y: side / 2)
        for k in 0..<40 {
            demand.append(Coordinate(x: far.x + Double(k % 8) * 20, y: far.y + Double(k / 8) * 20))
            population.append(0)
        }
        supply.append(far)
        capacity.append(5)
        supply.append(Coordinate(x: far.x + 70, y: far.y + 30))
        capacity.append(0)
        return Instance(demand: demand, population: population, supply: supply, capacity: capacity)
    }

    /// The two-stage Gaussian by a double loop: c = detour × √(dx² + dy²), pairs with c ≤ d0,
    /// f = exp(−c² / (2σ²)) (libm), R_j = S_j / Σ P_i f (NaN without pairs), A_i = Σ R_j f with NaN
    /// terms left out (NaN without pairs); and the number of pairs.
    static func doubleLoop(_ instance: Instance, maximumCost: Double, detourFactor: Double, sigma: Double)
        -> (scores: [Double], ratios: [Double], pairs: Int)
    {
        func cost(_ a: Coordinate, _ b: Coordinate) -> Double {
            let dx = a.x - b.x, dy = a.y - b.y
            return detourFactor * (dx * dx + dy * dy).squareRoot()
        }
        func f(_ c: Double) -> Double { exp(-c * c / (2 * (sigma * sigma))) }
        var ratios = [Double](repeating: .nan, count: instance.supply.count)
        var pairs = 0
        for (j, y) in instance.supply.enumerated() {
            var sum = 0.0, count = 0
            for (i, x) in instance.demand.enumerated() {
                let c = cost(x, y)
                guard c <= maximumCost else { continue }
                count += 1
                let t = instance.population[i] * f(c)
                if !t.isNaN { sum += t }
            }
            pairs += count
            if count > 0 { ratios[j] = instance.capacity[j] / sum }
        }
        var scores = [Double](repeating: .nan, count: instance.demand.count)
        for (i, x) in instance.demand.enumerated() {
            var sum = 0.0, count = 0
            for (j, y) in instance.supply.enumerated() {
                let c = cost(x, y)
                guard c <= maximumCost else { continue }
                count += 1
                let t = ratios[j] * f(c)
                if !t.isNaN { sum += t }
            }
            if count > 0 { scores[i] = sum }
        }
        return (scores, ratios, pairs)
    }

    /// How many (query, cell) expansions each pass uses on this instance: pass 1's source cells
    /// summed over the supply points, pass 2's blocks and cells.
    static func expansions(_ instance: Instance, maximumCost: Double, detourFactor: Double, sigma: Double) -> (Int, Int) {
        let radius = maximumCost / detourFactor
        var frame = Envelope(instance.demand[0])
        for p in instance.demand + instance.supply { frame.expand(toInclude: p) }
        let demand = CellSortedPoints(points: instance.demand, values: instance.population, frame: frame, radius: radius)
        let supply = CellSortedPoints(points: instance.supply, values: instance.capacity, frame: frame, radius: radius)
        let limit = CellSortedPoints.squaredLimit(cost: maximumCost, detourFactor: detourFactor)
        let weight = GaussianWeight(sigma: sigma, detourFactor: detourFactor, squaredLimit: limit)
        let alpha = (-weight.scale).squareRoot()
        let moments = demand.gaussianMoments(alpha: alpha)
        var powers = [Double](repeating: 0, count: GaussianExpansion.maximumOrder)
        var first = 0
        for slot in 0..<supply.count {
            first += powers.withUnsafeMutableBufferPointer {
                demand.gaussianSum(around: supply.x(slot), supply.y(slot), radius: radius, limit: limit, weight, moments, $0.baseAddress!)
            }.expanded
        }
        var second = 0
        var scratch = GaussianExpansion.Scratch()
        for row in 0..<((demand.rows + 1) / 2) {
            for column in 0..<((demand.columns + 1) / 2) {
                second += GaussianExpansion.targetBlock(
                    row: row, column: column, span: 2, sources: supply, targets: demand, radius: radius, limit: limit, weight: weight,
                    alpha: alpha, &scratch, { _, _, _ in })
            }
        }
        return (first, second)
    }

    static func expectClose(_ actual: [Double], _ expected: [Double], _ what: String) {
        #expect(actual.count == expected.count)
        var worst = 0.0
        for (a, e) in zip(actual, expected) {
            if e.isNaN {
                #expect(a.isNaN, "\(what): \(a) for NaN")
                continue
            }
            if e.isInfinite {
                #expect(a == e, "\(what): \(a) for \(e)")
                continue
            }
            let difference = abs(a - e) / Swift.max(abs(e), Double.leastNormalMagnitude)
            worst = Swift.max(worst, e == 0 ? (a == 0 ? 0 : 1) : difference)
        }
        #expect(worst <= 1e-12, "\(what): largest relative difference \(worst)")
    }

    static func check(_ instance: Instance, maximumCost: Double, detourFactor: Double, sigma: Double) -> (Int, Int) {
        let expected = doubleLoop(instance, maximumCost: maximumCost, detourFactor: detourFactor, sigma: sigma)
        let actual = StreamingCatchment.twoStage(
            demand: instance.demand, population: instance.population, supply: instance.supply, capacity: instance.capacity,
            maximumCost: maximumCost, detourFactor: detourFactor, decay: .gaussian(sigma: sigma))
        let label = "d0 \(maximumCost), detour \(detourFactor), σ \(sigma)"
        expectClose(actual.supplyRatios, expected.ratios, "ratios, " + label)
        expectClose(actual.scores, expected.scores, "scores, " + label)
        #expect(actual.pairCount == expected.pairs, "pairs, \(label)")
        #expect(actual.demandWithoutSupply == expected.scores.indices.filter { expected.scores[$0].isNaN })
        return expansions(instance, maximumCost: maximumCost, detourFactor: detourFactor, sigma: sigma)
    }

    /// ``TableGaussianWeight`` (pair loops without a NaN test) over values whose NaN are set to 0
    /// gives the bits and counts of ``GaussianWeight`` (with the test) over the values themselves:
    /// 64 candidates within 12 km of the query (some beyond the 10 km limit), values with NaN and
    /// one ∞, every start below 8 against ends every 3 slots (vector groups and scalar tails). The
    /// sums are not all zero or ∞, and the loop without the test over the NaN values themselves
    /// gives NaN (so the comparison can fail).
    @Test func tableWeightSkipsTheNaNTestWithTheSameBits() throws {
        let limit = 10_000.0 * 10_000.0
        let weight = GaussianWeight(sigma: 5000, detourFactor: 1, squaredLimit: limit)
        let table = try #require(TableGaussianWeight(weight))
        var random = SplitMix64(state: 11)
        let n = 64
        var xs: [Double] = [], ys: [Double] = [], values: [Double] = []
        for k in 0..<n {
            xs.append((random.uniform() * 2 - 1) * 12_000)
            ys.append((random.uniform() * 2 - 1) * 12_000)
            values.append(k % 9 == 4 ? .nan : k == 50 ? .infinity : Double(1 + random.next() % 100))
        }
        let numbers = values.map { $0.isNaN ? 0 : $0 }
        var finite = 0
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                values.withUnsafeBufferPointer { v in
                    numbers.withUnsafeBufferPointer { w in
                        for start in 0..<8 {
                            for end in stride(from: start, through: n, by: 3) {
                                let tested = CellSortedPoints.runSum(
                                    0, 0, x.baseAddress!, y.baseAddress!, v.baseAddress!, start, end, limit, weight)
                                let untested = CellSortedPoints.runSum(
                                    0, 0, x.baseAddress!, y.baseAddress!, w.baseAddress!, start, end, limit, table)
                                #expect(tested.sum.bitPattern == untested.sum.bitPattern, "\(start)..<\(end)")
                                #expect(tested.count == untested.count, "\(start)..<\(end)")
                                if tested.sum.isFinite && tested.sum > 0 { finite += 1 }
                            }
                        }
                        let kept = CellSortedPoints.runSum(0, 0, x.baseAddress!, y.baseAddress!, v.baseAddress!, 0, 48, limit, table)
                        #expect(kept.sum.isNaN)
                    }
                }
            }
        }
        #expect(finite > 50)
    }

    /// Each order's radius meets its bound ρ^p / p! · e^(2ρ) ≤ 1e−13 and a radius 1 % larger
    /// does not; hand-computed orders: ρ = 0 needs p = 1; ρ = 0.205 needs p = 10
    /// (0.205¹⁰ / 10! · e^0.41 = 5.4e−14, 0.205⁹ / 9! · e^0.41 = 2.7e−12); ρ = 1 is beyond p = 16.
    @Test func ordersMeetTheirBound() {
        var factorial = 1.0
        for p in 1...GaussianExpansion.maximumOrder {
            factorial *= Double(p)
            let rho = GaussianExpansion.radii[p]
            #expect(pow(rho, Double(p)) / factorial * exp(2 * rho) <= 1e-13)
            #expect(pow(rho * 1.01, Double(p)) / factorial * exp(2 * rho * 1.01) > 1e-13)
            #expect(GaussianExpansion.order(radius: rho) == p)
        }
        #expect(GaussianExpansion.order(radius: 0) == 1)
        #expect(GaussianExpansion.order(radius: 0.205) == 10)
        #expect(GaussianExpansion.order(radius: 1) == nil)
        #expect(GaussianExpansion.order(radius: .nan) == nil)
    }

    /// The run-wide choice: cells of 500 m (reach 353.6 m) at 5 km, half a 10 km radius: σ = 1000 m
    /// gives ρ = 2 · 353.6 · 5000 / (2 · 1000²) = 1.77 > 0.93 (order 16's radius): no expansion;
    /// σ = 2000 m gives ρ = 0.44: expansions.
    @Test func expansionsOnlyWhereTheyCanServe() {
        let alpha1000 = 1 / (1000 * 2.0.squareRoot()), alpha2000 = 1 / (2000 * 2.0.squareRoot())
        #expect(!GaussianExpansion.worthwhile(alpha: alpha1000, cellSize: 500, radius: 10_000))
        #expect(GaussianExpansion.worthwhile(alpha: alpha2000, cellSize: 500, radius: 10_000))
        #expect(GaussianExpansion.radii[GaussianExpansion.maximumOrder] > 0.9 && GaussianExpansion.radii[GaussianExpansion.maximumOrder] < 0.95)
    }

    /// One cell's source expansion against the direct sum, at queries near and far: four points
    /// at the centre (U = 0: only M_00 = Σ v is not 0) give Σ v · e^(−‖W‖²) as their pairs do; 30
    /// random points within 1e−13.
    @Test func oneCellAgainstItsPoints() {
        var random = SplitMix64(state: 5)
        let points = [Coordinate](repeating: Coordinate(x: 250, y: 250), count: 4) + (0..<30).map { _ in
            Coordinate(x: 500 + random.uniform() * 499, y: random.uniform() * 499)
        }
        let values = points.indices.map { Double($0 % 7 + 1) }
        // One cell of 500 m for the four centre points, one for the other 30 (frame 0…1000 × 0…500).
        var frame = Envelope(Coordinate(x: 0, y: 0))
        frame.expand(toInclude: Coordinate(x: 999.99, y: 499.99))
        let grid = CellSortedPoints(points: points, values: values, frame: frame, radius: 2000)
        #expect(grid.cellSize == 500)
        let alpha = 1 / 2000.0
        let moments = grid.gaussianMoments(alpha: alpha)
        var powers = [Double](repeating: 0, count: GaussianExpansion.maximumOrder)
        for q in [Coordinate(x: 3000, y: 1200), Coordinate(x: -1500, y: 200), Coordinate(x: 700, y: 900)] {
            for (column, members) in [(0, 0..<4), (1, 4..<34)] {
                let b = Int(moments.block[moments.levels[0].first + column])
                #expect(b >= 0)
                guard b >= 0 else { continue }
                let c = grid.centre(row: 0, column: column)
                let wx = alpha * (c.x - q.x), wy = alpha * (c.y - q.y)
                let p = GaussianExpansion.order(radius: 2 * alpha * moments.reach[moments.levels[0].first + column] * (wx * wx + wy * wy).squareRoot())!
                let value = moments.moments.withUnsafeBufferPointer { m in
                    powers.withUnsafeMutableBufferPointer {
                        exp(-(wx * wx + wy * wy)) * GaussianExpansion.evaluate(
                            m.baseAddress! + b * GaussianExpansion.maximumTerms, stride: GaussianExpansion.maximumOrder, order: p, wx, wy,
                            $0.baseAddress!)
                    }
                }
                let direct = members.reduce(0.0) { s, i in
                    let dx = points[i].x - q.x, dy = points[i].y - q.y
                    return s + values[i] * exp(-alpha * alpha * (dx * dx + dy * dy))
                }
                #expect(abs(value - direct) <= 1e-13 * direct, "column \(column), q \(q): \(value) vs \(direct)")
            }
        }
    }

    /// Dense points, most cells expanded in both passes; σ of 0.5, 1 and 3 times the threshold's
    /// radius, two thresholds, detour 1 and 1.3.
    @Test(arguments: [(3000.0, 1500.0, 1.0), (3000, 3000, 1.3), (2000, 6000, 1.0), (3000, 9000, 1.3)])
    func expandedScoresEqualTheDoubleLoop(maximumCost: Double, sigma: Double, detourFactor: Double) {
        let instance = Self.instance(seed: 21 + UInt64(sigma), demandCount: 12_000, supplyCount: 900, side: 8000)
        let (first, second) = Self.check(instance, maximumCost: maximumCost, detourFactor: detourFactor, sigma: sigma)
        #expect(first > 10_000, "pass 1 expanded \(first) cells")
        #expect(second > 100, "pass 2 expanded \(second) cells")
    }

    /// σ = 40 m against cells of hundreds of metres: ρ is far beyond order 16, no expansion is
    /// used, and the scores (mostly from weights near or below the normal range) still agree.
    @Test func tinySigmaUsesNoExpansion() {
        let instance = Self.instance(seed: 3, demandCount: 6000, supplyCount: 400, side: 6000)
        let (first, second) = Self.check(instance, maximumCost: 2500, detourFactor: 1, sigma: 40)
        #expect(first == 0 && second == 0)
    }

    /// σ = 10⁸ m: every weight is 1 to 1e−9, ρ ≈ 0, every expansion has order 1 (the cell's sum).
    @Test func hugeSigmaIsTheUniformSum() {
        let instance = Self.instance(seed: 4, demandCount: 6000, supplyCount: 400, side: 6000)
        let (first, second) = Self.check(instance, maximumCost: 2500, detourFactor: 1, sigma: 1e8)
        #expect(first > 0 && second > 0)
    }
}
