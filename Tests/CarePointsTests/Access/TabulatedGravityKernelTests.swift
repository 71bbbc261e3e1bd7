@testable import CarePoints
import Foundation
import Testing

/// The tabulated gravity kernel (``TabulatedGravityWeight``: x^(−β/2) = S[E] · T[k] · (1 + u)^(−β/2)
/// from the bits of x = detour² d²) against libm's `pow(max(c, c_min), −β)` on the cost as the
/// pair list computes it, within its documented bound (3β + 6.5)·2⁻⁵³: dense sweeps of 1 mm …
/// 1,000 km, both sides of every node boundary of m and of every binade those costs meet, the
/// floor's squared limit, c = 0, subnormal and huge squared distances; the kernel alone against
/// 64-bit `powl` within 4.5·2⁻⁵³; the tables and coefficients by hand. Scores against a plain
/// loop over all pairs: `GravityKernelTests.scoresAgainstAPlainLoop`, whose β now take this kernel.
@Suite struct TabulatedGravityKernelTests {
    static let u = 0x1p-53
    static let betas = [0.25, 0.5, 1, 1.3, 1.5, 2, 2.25, 3.7, 8]

    /// The kernel the streaming path builds for β (``TabulatedGravity/series(beta:)``'s shape).
    static func kernel(beta: Double, floor: Double, detour: Double, squaredLimit: Double = .greatestFiniteMagnitude)
        -> (SIMD4<Double>) -> SIMD4<Double>
    {
        func make<Series: PowerSeries>(_: Series.Type) -> (SIMD4<Double>) -> SIMD4<Double> {
            let weight = TabulatedGravityWeight<Series>(beta: beta, minimumCost: floor, detourFactor: detour, squaredLimit: squaredLimit)
            return { weight.weights(squaredDistances: $0) }
        }
        return short(beta) ? make(ShortPowerSeries.self) : make(LongPowerSeries.self)
    }

    /// True when β takes the polynomial of degree 4 (else 5).
    static func short(_ beta: Double) -> Bool { TabulatedGravity.series(beta: beta) == ShortPowerSeries.self }

    static func bound(beta: Double) -> Double { (3 * beta + 6.5) * u }

    /// x at both sides of every node boundary 1 + k/1024 (k = 0…1023, k = 0 the binade's start)
    /// and at every node, in the binades 2^E for E in `binades`.
    static func boundaries(binades: StrideThrough<Int>) -> [Double] {
        var xs: [Double] = []
        for e in binades {
            for k in 0..<1024 {
                let edge = Double(sign: .plus, exponent: e, significand: 1 + Double(k) / 1024)
                let node = Double(sign: .plus, exponent: e, significand: 1 + (Double(k) + 0.5) / 1024)
                xs += [edge.nextDown, edge, edge.nextUp, node]
            }
        }
        return xs
    }

    /// 0 < β ≤ 8: the kernel's; 0, above 8 and NaN: not. Degree 4 up to β = 1.9 (its truncation
    /// ≤ 2⁻⁵⁵), degree 5 from β = 2. The streaming path takes the kernel for β not whole.
    @Test func coveredBetasAndShapes() {
        #expect(TabulatedGravity.covers(beta: 1.3) && TabulatedGravity.covers(beta: 8) && TabulatedGravity.covers(beta: 1e-3))
        #expect(!TabulatedGravity.covers(beta: 0) && !TabulatedGravity.covers(beta: 8.nextUp))
        #expect(!TabulatedGravity.covers(beta: 90) && !TabulatedGravity.covers(beta: .nan) && !TabulatedGravity.covers(beta: -1))
        for beta in [1e-3, 0.25, 0.5, 1, 1.3, 1.5, 1.9] {
            #expect(Self.short(beta), "β = \(beta)")
        }
        for beta in [2, 2.25, 3.7, 8] {
            #expect(!Self.short(beta), "β = \(beta)")
        }
        #expect(TabulatedGravity.takes(beta: 1.5) && TabulatedGravity.takes(beta: 0.5) && TabulatedGravity.takes(beta: 1.3))
        #expect(TabulatedGravity.takes(beta: 7.5) && TabulatedGravity.takes(beta: 0.25) && TabulatedGravity.takes(beta: 2.25))
        #expect(!TabulatedGravity.takes(beta: 1) && !TabulatedGravity.takes(beta: 2) && !TabulatedGravity.takes(beta: 8))
        #expect(!TabulatedGravity.takes(beta: 8.5) && !TabulatedGravity.takes(beta: 0) && !TabulatedGravity.takes(beta: 9.3))
    }

    /// Tables by hand: β = 2 (a = −1): S[E] = 2^−E exactly, T[k] = R[k] = 1/m_k, binades
    /// E ∈ [−1022, 1020] (−(E + 1) ≥ −1021), C(−1, j) = (−1)^j; β = 8 (a = −4): E ∈ [−255, 254]
    /// (−4E ≤ 1022, −4(E + 1) ≥ −1021), C(−4, j) = (−1)^j C(j + 3, 3); β = 1.5: every normal
    /// binade, C(−¾, j): −¾, 21/32, −77/128, 1155/2048.
    @Test func tablesByHand() {
        let two = GravityPowerTable(beta: 2, degree: 5)
        #expect(two.lowest == 0x1p-1022 && two.highest == 0x1p1021.nextDown)
        for e in [-1022, -1, 0, 1, 13, 1020] {
            #expect(two.scales[e + 1023] == Double(sign: .plus, exponent: -e, significand: 1))
        }
        #expect(two.scales[1021 + 1023].isNaN && two.scales[0].isNaN && two.scales[2047].isNaN && two.scales[2048 + 1023].isNaN)
        for k in [0, 1, 100, 1023] {
            let inverse = 1 / (1 + (Double(k) + 0.5) / 1024)
            #expect(two.nodes[2 * k + 1] == inverse)
            #expect(abs(two.nodes[2 * k] - inverse) <= inverse.ulp)  // powl(m_k, −1), rounded
        }
        #expect(two.coefficients == [-1, 1, -1, 1, -1])
        let eight = GravityPowerTable(beta: 8, degree: 5)
        #expect(eight.lowest == 0x1p-255 && eight.highest == 0x1p255.nextDown)
        #expect(eight.scales[-255 + 1023] == 0x1p1020 && eight.scales[254 + 1023] == 0x1p-1016 && eight.scales[-256 + 1023].isNaN)
        #expect(eight.coefficients == [-4, 10, -20, 35, -56])
        let threeHalves = GravityPowerTable(beta: 1.5, degree: 4)
        #expect(threeHalves.lowest == 0x1p-1022 && threeHalves.highest == .greatestFiniteMagnitude)
        #expect(threeHalves.coefficients == [-0.75, 0.65625, -0.6015625, 0.56396484375])
        // 2^(−¾ · 4) = 1/8; m_0^(−¾) within one rounding of the true power (m_0 = 1 + 2⁻¹¹).
        #expect(threeHalves.scales[4 + 1023] == 0.125)
        let node = 1 + 0x1p-11
        #expect(threeHalves.nodes[1] == 1 / node)
        #expect(abs(threeHalves.nodes[0] - Foundation.pow(node, -0.75)) <= 2 * Self.u)
        #expect(abs(threeHalves.nodes[2 * 1023] - Foundation.pow(1 + 1023.5 / 1024, -0.75)) <= 2 * Self.u)
    }

    /// The truncation of each degree (h = 2⁻¹¹): degree 5 stays below 2⁻⁵⁹ for every β ≤ 8 and is
    /// |C(−4, 6)| 2⁻⁶⁶ (1 − 2⁻¹¹)⁻¹⁰ = 84 · 2⁻⁶⁶ · 1.0049 at β = 8; degree 4 is
    /// |C(−¾, 5)| 2⁻⁵⁵ (1 − 2⁻¹¹)^(−5.75) at β = 1.5 (C(−¾, 5) = −0.536…), ≤ 2⁻⁵⁵ wherever chosen.
    @Test func truncationBound() {
        #expect(abs(TabulatedGravity.truncation(beta: 8, degree: 5) / (84 * 0x1p-66 * Foundation.pow(1 - 0x1p-11, -10)) - 1) < 1e-12)
        let c5 = 0.75 * 1.75 * 2.75 * 3.75 * 4.75 / 120
        #expect(abs(TabulatedGravity.truncation(beta: 1.5, degree: 4) / (c5 * 0x1p-55 * Foundation.pow(1 - 0x1p-11, -5.75)) - 1) < 1e-12)
        for beta in stride(from: 0.125, through: 8, by: 0.125) {
            #expect(TabulatedGravity.truncation(beta: beta, degree: 5) <= 0x1p-59, "β = \(beta)")
            if Self.short(beta) {
                #expect(TabulatedGravity.truncation(beta: beta, degree: 4) <= 0x1p-55, "β = \(beta)")
            }
        }
    }

    /// The kernel alone (detour 1, no floor: x = d² exactly) against x^(−β/2) from 64-bit `powl`
    /// rounded to a double, within 4.5u (+ the half ulp of that rounding), over every node boundary
    /// of 60 binades and a dense sweep.
    @Test(arguments: betas)
    func kernelAgainstExtendedPrecision(beta: Double) {
        #if arch(x86_64) && !os(Windows) && !os(Android)
        let weights = Self.kernel(beta: beta, floor: 0, detour: 1)
        var xs = Self.boundaries(binades: stride(from: -20, through: 40, by: 1))
        xs += (0..<12_000).map { Foundation.pow(10, -6 + Double($0) / 1000) }
        var worst = 0.0
        for start in stride(from: 0, to: xs.count - 3, by: 4) {
            let v = SIMD4(xs[start], xs[start + 1], xs[start + 2], xs[start + 3])
            let w = weights(v)
            for lane in 0..<4 {
                let exact = Foundation.pow(Float80(v[lane]), -Float80(beta) / 2)
                let d = Double(abs(Float80(w[lane]) - exact) / exact)
                #expect(d <= 5 * Self.u, "β = \(beta), x = \(v[lane]): \(d)")
                worst = Swift.max(worst, d)
            }
        }
        #expect(worst <= 4.5 * Self.u + 2 * 0x1p-64, "β = \(beta): \(worst / Self.u) u")
        #endif
    }

    /// Costs every 1/3,000 of a decade from 1 mm to 1,000 km and every 3 m to 30 km, the node
    /// and binade boundaries of those costs' x, the floor's squared limit ± 4 doubles, for each β,
    /// floor 0, 1, 100 m and detour 1, 1.3: within (3β + 6.5)u of libm's pow on the cost.
    @Test(arguments: betas)
    func denseSweepsAgainstPow(beta: Double) {
        for detour in [1.0, 1.3] {
            let detourSquared = detour * detour
            for floor in [0.0, 1, 100] {
                var d2s = GravityKernelTests.sweep(floor: floor, detour: detour)
                if floor == 0 || floor == 100 {
                    // d² whose x = detour² d² is at (detour 1) or next to (1.3) each boundary, in
                    // every fifth binade (the kernel alone takes them all, above).
                    d2s += Self.boundaries(binades: stride(from: -20, through: 40, by: 5)).map { $0 / detourSquared }
                }
                let bound = Self.bound(beta: beta)
                let worst = GravityKernelTests.check(
                    d2s, beta: beta, floor: floor, detour: detour,
                    weights: Self.kernel(beta: beta, floor: floor, detour: detour), bound: bound)
                #expect(worst <= bound, "β = \(beta), c_min = \(floor), detour \(detour): \(worst)")
                // A 30 km threshold: with c_min > 0 no vector is range-checked; the same weights within it.
                let limit30 = CellSortedPoints.squaredLimit(cost: 30_000, detourFactor: detour)
                GravityKernelTests.check(
                    d2s.filter { $0 <= limit30 }, beta: beta, floor: floor, detour: detour,
                    weights: Self.kernel(beta: beta, floor: floor, detour: detour, squaredLimit: limit30), bound: bound)
            }
        }
    }

    /// The floor decided as `max` decides it on the rounded cost (the last d² whose cost rounds
    /// to ≤ c_min weighs pow(c_min, −β) exactly); c = 0 with c_min = 0 weighs +∞; subnormal
    /// squared distances and huge ones (x or f beyond the kernel's binades, x overflowing) give
    /// libm's weights bit for bit, in every lane position.
    @Test(arguments: betas)
    func floorAndEdgesAsPow(beta: Double) {
        for detour in [1.0, 1.3, 1.7] {
            for floor in [100.0, 1, 0.3] {
                let limit = CellSortedPoints.squaredLimit(cost: floor, detourFactor: detour)
                let w = Self.kernel(beta: beta, floor: floor, detour: detour)(SIMD4(limit, limit.nextUp, 0, limit / 2))
                let floorWeight = Foundation.pow(floor, -beta)
                #expect(w[0] == floorWeight && w[2] == floorWeight && w[3] == floorWeight)
                let beyond = Foundation.pow(detour * limit.nextUp.squareRoot(), -beta)
                #expect(abs(w[1] - beyond) <= Self.bound(beta: beta) * beyond)
            }
        }
        let edges: [Double] = [0, .leastNonzeroMagnitude, Double.leastNormalMagnitude / 16, Double.leastNormalMagnitude, 1e-300,
                               1e-200, 0x1p-511, 0x1p-510, 1e200, 0x1p510, 0x1p511, 1e300, .greatestFiniteMagnitude]
        for detour in [1.0, 1.3] {
            for floor in [0.0, 100] {
                GravityKernelTests.check(edges, beta: beta, floor: floor, detour: detour, rotations: 4,
                                         weights: Self.kernel(beta: beta, floor: floor, detour: detour), bound: Self.bound(beta: beta))
            }
            let w = Self.kernel(beta: beta, floor: 0, detour: detour)(SIMD4(0, 1e6, 4e6, 0))
            #expect(w[0] == .infinity && w[3] == .infinity)
            let expected = Foundation.pow(detour * 1000, -beta)
            #expect(abs(w[1] - expected) <= Self.bound(beta: beta) * expected)
        }
    }

    /// Exact cases: β = 2 at d² = 2^20 (x a power of two, u = the node's offset) is 2⁻²⁰ within
    /// the kernel's rounding; β = 1 at d² = 4: ½; a 1 km cost at β = 1.5: 1000^(−1.5) = 3.16…e−5.
    @Test func knownValues() {
        let two = Self.kernel(beta: 2, floor: 0, detour: 1)(SIMD4(0x1p20, 4, 1, 0x1p-20))
        #expect(abs(two[0] / 0x1p-20 - 1) <= 4.5 * Self.u && abs(two[1] / 0.25 - 1) <= 4.5 * Self.u)
        #expect(abs(two[2] - 1) <= 4.5 * Self.u && abs(two[3] / 0x1p20 - 1) <= 4.5 * Self.u)
        #expect(abs(Self.kernel(beta: 1, floor: 0, detour: 1)(SIMD4(repeating: 4))[0] / 0.5 - 1) <= 4.5 * Self.u)
        let oneKilometre = Self.kernel(beta: 1.5, floor: 100, detour: 1)(SIMD4(repeating: 1e6))[0]
        #expect(abs(oneKilometre / 3.1622776601683795e-5 - 1) <= Self.bound(beta: 1.5))
    }
}
