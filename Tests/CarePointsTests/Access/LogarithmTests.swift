@testable import CarePoints
import Foundation
import Testing

/// `SIMD4<Double>.logarithm()` and `.power(_:)` (the gravity decay's max(c, c_min)^(−β) in the
/// streaming kernel) against Foundation's (libm's) `log` and `pow`: dense sweeps of the costs a
/// study uses, the whole normal range by octaves, both sides of the reduction's boundaries
/// (2ᵏ·√2/2), numbers next to 1, subnormal and underflow edges, and the documented bounds
/// (`log` ≤ 1e−15 relative; `pow` ≤ (|y ln x| + 2) × 4.5e−16, and ≤ 1e−12 everywhere).
@Suite struct LogarithmTests {
    private func lanes(_ xs: [Double], _ body: (SIMD4<Double>) -> Void) {
        var k = 0
        while k < xs.count {
            body(SIMD4(xs[k], xs[(k + 1) % xs.count], xs[(k + 2) % xs.count], xs[(k + 3) % xs.count]))
            k += 4
        }
    }

    /// The largest difference from libm's `log` over `xs`, relative (absolute next to 1, where
    /// ln x is below 1e−3 and relative differences measure libm's own rounding).
    private func logarithmDifference(_ xs: [Double]) -> (Double, Double) {
        var worst = 0.0, at = 0.0
        lanes(xs) { v in
            let l = v.logarithm()
            for lane in 0..<4 {
                let reference = Foundation.log(v[lane])
                let d = abs(l[lane] - reference) / Swift.max(abs(reference), 1e-3)
                if d > worst { (worst, at) = (d, v[lane]) }
            }
        }
        return (worst, at)
    }

    /// Costs of real studies: 1 m … 200 km at a step of 0.37 m (540,540 points).
    @Test func costRangeDense() {
        let xs = (0..<540_540).map { 1 + Double($0) * 0.37 }
        let (worst, at) = logarithmDifference(xs)
        #expect(worst <= 1e-15, "max difference \(worst) at x = \(at)")
    }

    /// Every octave of the normal range, 64 points per octave, and either side of each reduction
    /// boundary 2ᵏ·√2/2 (8 neighbours each way).
    @Test func normalRangeAndBoundaries() {
        var xs: [Double] = []
        for e in -1022...1023 {
            for i in 0..<64 { xs.append(Foundation.scalbn(1 + Double(i) / 64 + 0.001_234_567, e)) }
            let b = Foundation.scalbn(0.5.squareRoot(), e + 1)
            guard b.isFinite && b >= .leastNormalMagnitude else { continue }
            var x = b
            for _ in 0..<8 { xs.append(x); x = x.nextDown }
            x = b.nextUp
            for _ in 0..<8 { xs.append(x); x = x.nextUp }
        }
        xs = xs.filter { $0 >= .leastNormalMagnitude && $0.isFinite }
        let (worst, at) = logarithmDifference(xs)
        #expect(worst <= 1e-15, "max difference \(worst) at x = \(at)")
    }

    /// Either side of every table boundary m = (i + ½)/128 (where round(128 m) changes, i = 90…181)
    /// in the octaves of squared costs 1 m² … (300 km)² and of costs 1 m … 300 km (2⁻¹ … 2³⁷), and
    /// in every 13th octave of the whole normal range: 3 neighbours each way.
    @Test func tableBoundaries() {
        var xs: [Double] = []
        for e in -1022...1023 where (-1...37).contains(e) || e % 13 == 0 {
            for i in 90...181 {
                let b = Foundation.scalbn((Double(i) + 0.5) / 128, e)
                guard b.isFinite && b >= .leastNormalMagnitude else { continue }
                var x = b
                for _ in 0..<3 { xs.append(x); x = x.nextDown }
                x = b.nextUp
                for _ in 0..<3 { xs.append(x); x = x.nextUp }
                xs.append(Foundation.scalbn(Double(i) / 128, e))  // f = 0: ln F alone
            }
        }
        let (worst, at) = logarithmDifference(xs)
        #expect(worst <= 1e-15, "max difference \(worst) at x = \(at)")
    }

    /// The table against libm: ln(i/128) and 128/i to the double nearest (½ ulp of the true value;
    /// libm's `log` is within 1 ulp, so 1.5 ulp apart at most).
    @Test func tableValues() {
        for i in 90...182 {
            let ln = MathTables.logarithm[2 * (i - 90)], inverse = MathTables.logarithm[2 * (i - 90) + 1]
            let reference = Foundation.log(Double(i) / 128)
            #expect(abs(ln - reference) <= 1.5 * abs(reference).ulp, "ln(\(i)/128) = \(ln), libm \(reference)")
            #expect(inverse == 128 / Double(i), "128/\(i)")
        }
    }

    /// Next to 1 (f = x − 1 tiny): the absolute difference is ≤ 2e−16 × |x − 1|.
    @Test func nextToOne() {
        var xs: [Double] = [1]
        var up = 1.0, down = 1.0
        for _ in 0..<1000 { up = up.nextUp; down = down.nextDown; xs += [up, down] }
        for i in 1...1000 { xs += [1 + Double(i) * 1e-6, 1 - Double(i) * 1e-6] }
        lanes(xs) { v in
            let l = v.logarithm()
            for lane in 0..<4 {
                let reference = Foundation.log(v[lane])
                #expect(abs(l[lane] - reference) <= 2e-16 * abs(v[lane] - 1), "x = \(v[lane])")
            }
        }
        #expect(SIMD4<Double>(1, 2, 4, 0.5).logarithm() == SIMD4(0, M_LN2, 2 * M_LN2, -M_LN2))
    }

    /// Lanes that are not positive normal numbers go to libm: the same bits (NaN where libm's is).
    @Test func edgeCasesAsLibm() {
        let cases: [Double] = [0, -0.0, .leastNonzeroMagnitude, Double.leastNormalMagnitude.nextDown, -1, -.infinity,
                               .infinity, .nan]
        for x in cases {
            let l = SIMD4(x, 10, 100, 1000).logarithm()
            let reference = Foundation.log(x)
            if reference.isNaN {
                #expect(l[0].isNaN, "x = \(x)")
            } else {
                #expect(l[0].bitPattern == reference.bitPattern, "x = \(x)")
            }
            #expect(abs(l[1] - Foundation.log(10.0)) <= 5e-16 * Foundation.log(10.0))
        }
        // The smallest normal number is computed, not sent to libm.
        let smallest = SIMD4<Double>(repeating: .leastNormalMagnitude).logarithm()[0]
        #expect(abs(smallest - Foundation.log(Double.leastNormalMagnitude)) <= 1e-15 * 708.4)
    }

    /// x^y against libm's `pow` for the gravity decay's exponents (−β, β in 0.25 … 3) over costs
    /// 1 m … 300 km, and over the whole range of y ln x up to the underflow and overflow edges.
    @Test func powerAgainstLibm() {
        let costs = (0..<30_000).map { Foundation.pow(10, Double($0) / 30_000 * 5.5) }  // 1 … 3.2e5
        for beta in [0.25, 0.5, 1, 1.5, 2, 3] {
            var worst = 0.0, at = 0.0
            lanes(costs) { v in
                let p = v.power(-beta)
                for lane in 0..<4 {
                    let reference = Foundation.pow(v[lane], -beta)
                    let d = abs(p[lane] - reference) / reference
                    let bound = (beta * abs(Foundation.log(v[lane])) + 2) * 4.5e-16
                    #expect(d <= bound, "x = \(v[lane]), y = \(-beta): \(d) > \(bound)")
                    if d > worst { (worst, at) = (d, v[lane]) }
                }
            }
            #expect(worst <= 1e-14, "β = \(beta): max relative difference \(worst) at x = \(at)")
        }
        // y ln x across the whole normal range of the result, with x and y both far from 1.
        var worst = 0.0
        for i in 0...20_000 {
            let t = -708 + Double(i) * (1417.0 / 20_000)  // target y ln x in [−708, 709]
            let x = 1e-3 + Double(i % 97) * 0.731
            guard abs(Foundation.log(x)) > 1e-3 else { continue }
            let y = t / Foundation.log(x)
            let p = SIMD4(repeating: x).power(y)[0]
            let reference = Foundation.pow(x, y)
            guard reference.isNormal else { continue }
            worst = Swift.max(worst, abs(p - reference) / reference)
        }
        #expect(worst <= 1e-12, "max relative difference \(worst) over |y ln x| ≤ 709")
    }

    /// The gravity kernel's weight from d² (e^(−β/2 · ln(detour² d²)), no square root) against
    /// libm's `pow(max(c, c_min), −β)` on the cost as the pair list computes it, c = detour × √d²:
    /// costs 0 … 30 km, both sides of the floor's squared limit (with a floor of 0: d² = 0 and the
    /// smallest subnormal d², whose c² is below the normal range), β = 0 … 3, detours 1 and 1.3;
    /// ≤ (β/2 |ln c²| + 3) × 4.5e−16 relative, and the floor decided exactly as `max` decides it.
    @Test func gravityWeightAgainstPow() {
        for detour in [1.0, 1.3] {
            for (beta, floor) in [(1.5, 100.0), (1.0, 0.0), (2.25, 1500.0), (0.0, 100.0), (3.0, 1.0)] {
                let weight = GravityWeight(beta: beta, minimumCost: floor, detourFactor: detour)
                let limit = CellSortedPoints.squaredLimit(cost: floor, detourFactor: detour)
                var d2s = (0..<20_000).map { Foundation.pow(Double($0) / 20_000 * 30_000 / detour, 2) }
                var t = limit
                for _ in 0..<4 { d2s.append(t); t = t.nextDown }
                t = limit.nextUp
                for _ in 0..<4 { d2s.append(t); t = t.nextUp }
                d2s = d2s.filter { $0 >= 0 }  // (below a floor of 0 lies no squared distance)
                lanes(d2s) { v in
                    let w = weight.weights(squaredDistances: v)
                    for lane in 0..<4 {
                        let cost = detour * v[lane].squareRoot()
                        let reference = Foundation.pow(Swift.max(cost, floor), -beta)
                        if reference.isInfinite {
                            #expect(w[lane] == reference, "c = \(cost)")
                            continue
                        }
                        let bound = (beta / 2 * abs(Foundation.log(Swift.max(cost * cost, floor * floor))) + 3) * 4.5e-16
                        #expect(abs(w[lane] - reference) <= bound * reference, "β = \(beta), c = \(cost): \(w[lane]) against \(reference)")
                    }
                }
            }
        }
    }

    /// Where libm is needed — y = 0, x = 0 (c_min = 0 on top of a facility), underflow to a
    /// subnormal or 0, overflow — the result is libm's bit for bit.
    @Test func powerEdgesAsLibm() {
        #expect(SIMD4<Double>(0, 1, .infinity, 5).power(0) == SIMD4(repeating: 1))
        let cases: [(Double, Double)] = [(0, -1.5), (0, -1), (1e-300, 2), (1e-200, 2), (1e300, 2), (10, -320),
                                         (10, -330), (2, 1024), (2, -1074), (.leastNonzeroMagnitude, -1)]
        for (x, y) in cases {
            let p = SIMD4(x, 10, 100, 1000).power(y)[0]
            #expect(p.bitPattern == Foundation.pow(x, y).bitPattern, "\(x)^\(y): \(p) against \(Foundation.pow(x, y))")
        }
    }
}
