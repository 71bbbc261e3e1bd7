@testable import CarePoints
import Foundation
import Testing

/// `SIMD4<Double>.exponential()` (the Gaussian decay's e^x in the streaming kernel) against
/// Foundation's (libm's) `exp`: a dense sweep of the range the Gaussian decay uses (−c²/2σ² for
/// c up to several σ), a sweep of the whole normal range, the reduction's boundaries (x near
/// (k + ½) ln 2) and edge cases; the relative difference is asserted ≤ 1e−15 (the documented
/// bound is 7e−16), and NaN, ±∞, 0 and subnormal results equal libm's bit for bit.
@Suite struct ExponentialTests {
    /// The largest relative difference from `exp` over `xs`, four at a time, every lane checked.
    private func maximumRelativeDifference(_ xs: [Double]) -> (Double, Double) {
        var worst = 0.0, at = 0.0
        var k = 0
        while k < xs.count {
            let v = SIMD4(xs[k], xs[(k + 1) % xs.count], xs[(k + 2) % xs.count], xs[(k + 3) % xs.count])
            let e = v.exponential()
            for lane in 0..<4 {
                let reference = Foundation.exp(v[lane])
                let d = abs(e[lane] - reference) / reference
                if d > worst { (worst, at) = (d, v[lane]) }
            }
            k += 4
        }
        return (worst, at)
    }

    /// x in [−50, 0] (c ≤ 10σ) with a step of 1e−4: 500,001 points.
    @Test func gaussianRangeDense() {
        let xs = (0...500_000).map { -Double($0) * 1e-4 }
        let (worst, at) = maximumRelativeDifference(xs)
        #expect(worst <= 1e-15, "max relative difference \(worst) at x = \(at)")
    }

    /// The whole normal range [−708.39, 709] with a step of 1/256, plus a step that is not a
    /// binary fraction.
    @Test func normalRange() {
        var xs = stride(from: SIMD4<Double>.exponentialLowest, through: 709, by: 1.0 / 256).map { $0 }
        xs += stride(from: -708.0, through: 709, by: 0.009_876_543_21).map { $0 }
        let (worst, at) = maximumRelativeDifference(xs)
        #expect(worst <= 1e-15, "max relative difference \(worst) at x = \(at)")
    }

    /// Either side of each rounding boundary (k + ½) ln 2 of the reduction, and tiny |x|.
    @Test func reductionBoundariesAndTinyArguments() {
        var xs: [Double] = []
        for k in -1022...1022 {
            let b = (Double(k) + 0.5) * M_LN2
            guard b >= SIMD4<Double>.exponentialLowest && b <= 709 else { continue }
            var x = b
            for _ in 0..<8 { xs.append(x); x = x.nextDown }
            x = b.nextUp
            for _ in 0..<8 { xs.append(x); x = x.nextUp }
        }
        xs += [0, -0.0, 1e-300, -1e-300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-17, -1e-17, 1e-9, -1e-9]
        let (worst, at) = maximumRelativeDifference(xs)
        #expect(worst <= 1e-15, "max relative difference \(worst) at x = \(at)")
    }

    /// Either side of the table's rounding boundaries x = (k + ½) ln 2 / 64, where the index j =
    /// k mod 64 and the exponent n = ⌊k/64⌋ change: every boundary with |x| ≤ 60 (the Gaussian and
    /// gravity weights of any study), every 31st one over the whole normal range, and the ends of
    /// that range.
    @Test func tableBoundaries() {
        var xs: [Double] = []
        let step = M_LN2 / 64
        for k in -65_410...65_470 {
            let b = (Double(k) + 0.5) * step
            guard b >= SIMD4<Double>.exponentialLowest && b <= 709, abs(b) <= 60 || k % 31 == 0 else { continue }
            var x = b
            for _ in 0..<3 { xs.append(x); x = x.nextDown }
            x = b.nextUp
            for _ in 0..<3 { xs.append(x); x = x.nextUp }
            xs.append(Double(k) * step)  // r ≈ 0
        }
        let lowest = SIMD4<Double>.exponentialLowest
        xs += [lowest, lowest.nextUp, lowest + 1e-9, 709, Double(709).nextDown, 708.9]
        let (worst, at) = maximumRelativeDifference(xs)
        #expect(worst <= 1e-15, "max relative difference \(worst) at x = \(at)")
    }

    /// The table against 2^(j/64) computed independently (libm's `exp2`, correctly rounded for
    /// these arguments in glibc): e^(j ln 2 / 64) lands on T_j with r ≈ 0.
    @Test func tableValues() {
        for j in 0..<64 {
            let reference = Foundation.exp2(Double(j) / 64)
            #expect(abs(MathTables.exponential[j] - reference) <= reference * 0x1p-53, "j = \(j)")
        }
    }

    /// Known values: e⁰ = 1 exactly, e^−½ and e^−2 (PySAL's gaussian(σ=20) at 20 and 40), e¹.
    @Test func knownValues() {
        let e = SIMD4<Double>(0, -0.5, -2, 1).exponential()
        #expect(e[0] == 1)
        #expect(abs(e[1] - 0.6065306597126334) <= 1e-16)
        #expect(abs(e[2] - 0.1353352832366127) <= 1e-16)
        #expect(abs(e[3] - 2.718281828459045) <= 5e-16)
    }

    /// Outside the normal range the vector goes to libm: the same bits, NaN where libm gives NaN.
    @Test func edgeCasesAsLibm() {
        let cases: [Double] = [-.infinity, .infinity, .nan, -709, -720, -745, -745.2, -800, 709.5, 709.78, 710, 1000,
                               SIMD4<Double>.exponentialLowest.nextDown]
        for x in cases {
            let e = SIMD4(x, -1, -2, -3).exponential()
            let reference = Foundation.exp(x)
            if reference.isNaN {
                #expect(e[0].isNaN, "x = \(x)")
            } else {
                #expect(e[0].bitPattern == reference.bitPattern, "x = \(x)")
            }
            #expect(abs(e[1] - Foundation.exp(-1)) <= 1e-16)
        }
    }
}
