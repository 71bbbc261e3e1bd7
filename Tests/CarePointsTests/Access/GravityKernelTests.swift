@testable import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// The gravity kernel for β a multiple of ½ (``HalfIntegerGravityWeight``: 1 / (powers and square
/// roots of detour² d²)) against libm's `pow(max(c, c_min), −β)` on the cost as the pair list
/// computes it, c = detour × √d²: dense sweeps of the costs of a study and of the whole range,
/// both sides of the floor's squared limit, c = 0 with c_min = 0, subnormal and huge squared
/// distances; the documented bound (2k + 7)·2⁻⁵³ relative; and access scores against a plain
/// double loop over all pairs.
@Suite struct GravityKernelTests {
    static let u = 0x1p-53

    /// The kernel for β = k/2, whichever root part k mod 4 takes.
    /// With the default limit every vector is range-checked; with a threshold's squared limit
    /// and c_min > 0, none is (weights exact for d² ≤ the limit).
    static func kernel(beta: Double, floor: Double, detour: Double, squaredLimit: Double = .greatestFiniteMagnitude)
        -> (SIMD4<Double>) -> SIMD4<Double>
    {
        func make<Root: QuarterPower>(_: Root.Type) -> (SIMD4<Double>) -> SIMD4<Double> {
            let weight = HalfIntegerGravityWeight<Root>(beta: beta, minimumCost: floor, detourFactor: detour, squaredLimit: squaredLimit)
            return { weight.weights(squaredDistances: $0) }
        }
        switch HalfIntegerGravity.halves(beta: beta)! % 4 {
        case 0: return make(NoRoot.self)
        case 1: return make(FourthRoot.self)
        case 2: return make(SquareRoot.self)
        default: return make(ThreeQuarterPower.self)
        }
    }

    /// libm's weight of a pair at squared distance d², as ``DistanceDecay/weight(_:)`` computes it.
    static func reference(_ d2: Double, beta: Double, floor: Double, detour: Double) -> Double {
        DistanceDecay.gravity(beta: beta, minimumCost: floor).weight(detour * d2.squareRoot())
    }

    /// Checks every d² of `d2s` (four at a time; with `rotations` 4, each in every lane position
    /// once) against libm; returns the largest relative difference among finite weights.
    /// `weights` and `bound`: another kernel and its bound (default: this kernel, (2k + 7)u).
    @discardableResult
    static func check(_ d2s: [Double], beta: Double, floor: Double, detour: Double, squaredLimit: Double = .greatestFiniteMagnitude,
                      rotations: Int = 1, weights other: ((SIMD4<Double>) -> SIMD4<Double>)? = nil, bound otherBound: Double? = nil)
        -> Double
    {
        let weights = other ?? kernel(beta: beta, floor: floor, detour: detour, squaredLimit: squaredLimit)
        let bound = otherBound ?? (4 * beta + 7) * u  // (2k + 7)u
        var worst = 0.0
        for start in stride(from: 0, to: d2s.count, by: 4) {
            let v = SIMD4((0..<4).map { d2s[(start + $0) % d2s.count] })
            for rotation in 0..<rotations {
                let lanes = SIMD4((0..<4).map { v[($0 + rotation) % 4] })
                let w = weights(lanes)
                for lane in 0..<4 {
                    let expected = reference(lanes[lane], beta: beta, floor: floor, detour: detour)
                    if !expected.isNormal || !w[lane].isNormal {
                        #expect(w[lane].bitPattern == expected.bitPattern,
                                "β = \(beta), c_min = \(floor), detour \(detour), d² = \(lanes[lane]): \(w[lane]) against \(expected)")
                        continue
                    }
                    let d = abs(w[lane] - expected) / expected
                    #expect(d <= bound, "β = \(beta), c_min = \(floor), detour \(detour), d² = \(lanes[lane]): \(d) > \(bound)")
                    worst = Swift.max(worst, d)
                }
            }
        }
        return worst
    }

    /// Squared distances of costs 0 … 30 km every 3 m and every 1/3,000 of a decade from 1 mm to
    /// 1,000 km, and the floor's squared limit with four doubles on each side of it (≥ 0).
    static func sweep(floor: Double, detour: Double) -> [Double] {
        var d2s = (0..<10_000).map { Foundation.pow(Double($0) * 3 / detour, 2) }
        d2s += (0..<27_000).map { Foundation.pow(Foundation.pow(10, -3 + Double($0) / 3000) / detour, 2) }
        let limit = CellSortedPoints.squaredLimit(cost: floor, detourFactor: detour)
        var t = limit
        for _ in 0..<5 { d2s.append(t); t = t.nextDown }
        t = limit.nextUp
        for _ in 0..<4 { d2s.append(t); t = t.nextUp }
        return d2s.filter { $0 >= 0 }
    }

    /// k = 2β for the multiples of ½ up to 8, nil otherwise (those take the ln/exp kernel).
    @Test func halvesOfBeta() {
        #expect(HalfIntegerGravity.halves(beta: 1.5) == 3)
        #expect(HalfIntegerGravity.halves(beta: 0) == 0)
        #expect(HalfIntegerGravity.halves(beta: 1) == 2)
        #expect(HalfIntegerGravity.halves(beta: 2) == 4)
        #expect(HalfIntegerGravity.halves(beta: 8) == 16)
        #expect(HalfIntegerGravity.halves(beta: 8.5) == nil)
        #expect(HalfIntegerGravity.halves(beta: 1.3) == nil)
        #expect(HalfIntegerGravity.halves(beta: 0.25) == nil)
        #expect(HalfIntegerGravity.halves(beta: 1.5.nextUp) == nil)
        #expect(HalfIntegerGravity.halves(beta: 90) == nil)
    }

    /// The range of x where the arithmetic stays normal, by hand: k = 3: 2^(⌈−1362.7⌉ + 1) is
    /// below 2⁻¹⁰²², and 2^(1362 − 1) is beyond the largest double; k = 4: [2⁻¹⁰²¹, 2¹⁰²¹];
    /// k = 16: [2⁻²⁵⁴, 2²⁵⁴] (4088/16 = 255.5); k = 0: everything. At both ends of each range
    /// the kernel's p = x^(k/4) and its reciprocal are normal numbers.
    @Test func normalRange() {
        #expect(HalfIntegerGravity.range(halves: 3) == (Double.leastNormalMagnitude, Double.greatestFiniteMagnitude))
        #expect(HalfIntegerGravity.range(halves: 4) == (0x1p-1021, 0x1p1021))
        #expect(HalfIntegerGravity.range(halves: 16) == (0x1p-254, 0x1p254))
        #expect(HalfIntegerGravity.range(halves: 0) == (-Double.infinity, Double.infinity))
        for k in 1...16 {
            let (lowest, highest) = HalfIntegerGravity.range(halves: k)
            let beta = Double(k) / 2
            let weights = Self.kernel(beta: beta, floor: 0, detour: 1)
            for x in [lowest, lowest.nextUp, highest.nextDown, highest] where x.isFinite {
                let w = weights(SIMD4(repeating: x))[0]
                let expected = Foundation.pow(x.squareRoot(), -beta)
                #expect(w.isNormal, "k = \(k), x = \(x): \(w)")
                #expect(abs(w - expected) <= (4 * beta + 7) * Self.u * expected, "k = \(k), x = \(x): \(w) against \(expected)")
            }
        }
    }

    /// Costs 0 … 30 km every 3 m and every 1/3,000 of a decade from 1 mm to 1,000 km, for each
    /// β, floor and detour; the floor's squared limit and four doubles on each side of it.
    @Test(arguments: [0.0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 6, 8])
    func denseSweepsAgainstPow(beta: Double) {
        for detour in [1.0, 1.3] {
            for floor in [0.0, 1, 100, 1500] {
                let d2s = Self.sweep(floor: floor, detour: detour)
                let worst = Self.check(d2s, beta: beta, floor: floor, detour: detour)
                #expect(worst <= 1e-14, "β = \(beta), c_min = \(floor), detour \(detour): \(worst)")
                // A 30 km threshold: the range test is left out when c_min > 0; the same weights within it.
                let limit30 = CellSortedPoints.squaredLimit(cost: 30_000, detourFactor: detour)
                Self.check(d2s.filter { $0 <= limit30 }, beta: beta, floor: floor, detour: detour, squaredLimit: limit30)
            }
        }
    }

    /// The floor is decided as `max` decides it on the rounded cost: the last d² whose cost
    /// rounds to ≤ c_min weighs pow(c_min, −β) exactly, the next one its own pow within the bound.
    @Test func floorBoundaryExactly() {
        for detour in [1.0, 1.3, 1.7] {
            for floor in [100.0, 1, 1500, 0.3] {
                for beta in [1.0, 1.5, 2] {
                    let limit = CellSortedPoints.squaredLimit(cost: floor, detourFactor: detour)
                    #expect(detour * limit.squareRoot() <= floor && detour * limit.nextUp.squareRoot() > floor)
                    let w = Self.kernel(beta: beta, floor: floor, detour: detour)(SIMD4(limit, limit.nextUp, 0, limit / 2))
                    let floorWeight = Foundation.pow(floor, -beta)
                    #expect(w[0] == floorWeight && w[2] == floorWeight && w[3] == floorWeight)
                    let beyond = Foundation.pow(detour * limit.nextUp.squareRoot(), -beta)
                    #expect(w[1] <= floorWeight)  // (equal where √ rounds the cost just beyond c_min back to it)
                    #expect(abs(w[1] - beyond) <= (4 * beta + 7) * Self.u * beyond)
                }
            }
        }
    }

    /// c = 0 with c_min = 0 weighs +∞ (pow(0, −β)), 1 for β = 0; subnormal squared distances, whose
    /// x is not a normal number, and huge ones, whose power leaves the normal range or whose x
    /// overflows, give libm's weights bit for bit (the vector takes `pow` lane by lane).
    @Test func edgesAsPow() {
        let edges: [Double] = [0, .leastNonzeroMagnitude, Double.leastNormalMagnitude / 16, Double.leastNormalMagnitude, 1e-300, 1e-200, 1e200, 1e300,
                               .greatestFiniteMagnitude]
        for beta in [0.0, 0.5, 1, 1.5, 2, 3, 5.5, 8] {
            for detour in [1.0, 1.3] {
                Self.check(edges, beta: beta, floor: 0, detour: detour, rotations: 4)
                Self.check(edges, beta: beta, floor: 100, detour: detour, rotations: 4)
                let w = Self.kernel(beta: beta, floor: 0, detour: detour)(SIMD4(0, 1e6, 4e6, 0))
                #expect(w[0] == (beta == 0 ? 1 : .infinity) && w[3] == w[0])
                #expect(w[1] == Foundation.pow(detour * 1000, -beta) || abs(w[1] / Foundation.pow(detour * 1000, -beta) - 1) <= 1e-15)
            }
        }
        // β = 2 at c = 1 km: 1e−6 exactly (x = 1e6 is exact, one correctly rounded division).
        #expect(Self.kernel(beta: 2, floor: 0, detour: 1)(SIMD4(repeating: 1e6))[0] == 1e-6)
        // β = 1 at c = 5 m (d² = 25): 0.2 correctly rounded.
        #expect(Self.kernel(beta: 1, floor: 0, detour: 1)(SIMD4(repeating: 25))[0] == 0.2)
        // β = 1.5 at c = 4 m (d² = 16): 1/8 exactly (√16 = 4, √4 = 2).
        #expect(Self.kernel(beta: 1.5, floor: 0, detour: 1)(SIMD4(repeating: 16))[0] == 0.125)
    }

    /// Access scores of the streaming kernel against a plain double loop over every pair
    /// (c_ij = detour × √(dx² + dy²), f = pow(max(c, c_min), −β), D_j = Σ P_i f, R_j = S_j / D_j,
    /// A_i = Σ R_j f over c_ij ≤ d0), on seeded clustered points with demand on top of supply.
    @Test(arguments: [(1.5, 100.0), (1, 50), (2, 10), (0.5, 0), (3.5, 200), (1.3, 100), (2.25, 100), (0.25, 0), (3.7, 30), (8, 100)])
    func scoresAgainstAPlainLoop(beta: Double, floor: Double) throws {
        let instance = StreamingCatchmentTests.instance(seed: 21, demandCount: 600, supplyCount: 80)
        let detour = 1.2, threshold = 5000.0
        let demand = instance.demand.filter { $0.population > 0 }
        let supply = instance.supply.filter { $0.capacity > 0 }
        func weight(_ p: Coordinate, _ q: Coordinate) -> Double? {
            let dx = p.x - q.x, dy = p.y - q.y
            let c = detour * (dx * dx + dy * dy).squareRoot()
            return c <= threshold ? Foundation.pow(Swift.max(c, floor), -beta) : nil
        }
        var ratios = [Double](repeating: .nan, count: supply.count)
        for (j, s) in supply.enumerated() {
            var sum = 0.0, reached = false
            for d in demand {
                if let w = weight(d.position, s.position) { sum += d.population * w; reached = true }
            }
            if reached { ratios[j] = s.capacity / sum }
        }
        var scores = [Double](repeating: .nan, count: demand.count)
        for (i, d) in demand.enumerated() {
            var sum = 0.0, reached = false
            for (j, s) in supply.enumerated() {
                guard let w = weight(d.position, s.position) else { continue }
                reached = true
                // 0 × ∞ (a clinic whose ratio is 0 because of an infinite weight): left out, as
                // the two-stage sums leave NaN terms out.
                let t = ratios[j] * w
                if !t.isNaN { sum += t }
            }
            if reached { scores[i] = sum }
        }
        let streamed = try FloatingCatchment.twoStageStreaming(
            demand: demand, supply: supply, maximumCost: threshold, detourFactor: detour, decay: .gravity(beta: beta, minimumCost: floor))
        #expect(scores.filter { !$0.isNaN }.count > 400, "most demand reaches a clinic")
        if floor == 0 {
            // Demand on top of a clinic with c_min = 0: an infinite weight, R_j = 0 there.
            #expect(streamed.supplyRatios.contains(0))
        }
        AccessFixture.expectScores(streamed.supplyRatios, ratios, tolerance: 1e-12)
        AccessFixture.expectScores(streamed.scores, scores, tolerance: 1e-12)
    }
}
