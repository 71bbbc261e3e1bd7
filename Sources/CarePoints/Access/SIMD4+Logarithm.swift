import Foundation

/// ln x and x^y of four Doubles at once, for the gravity decay max(c, c_min)^(−β) of
/// ``StreamingCatchment`` (with ``SIMD4/exponential()``).
///
/// Method (the classic reduction of Cody & Waite 1980 and Tang 1990, written here from the
/// formulas):
///
///     x = 2ᵏ m,  m ∈ [√2/2, √2)         (k from the bits of x − bits of √2/2, so no branch)
///     f = m − 1                          (exact: Sterbenz)
///     s = f / (2 + f),  |s| ≤ 0.1716,  z = s²
///     ln m = 2 atanh s = f − h + s (h + R(z)),  h = f²/2,  R(z) = Σ_{i=1…9} 2 zⁱ / (2i + 1)
///     ln x = k·L_hi + (f − (h − (s (h + R) + k·L_lo)))
///
/// with ln 2 = L_hi + L_lo split as in ``SIMD4/exponential()`` (k·L_hi exact for |k| < 2²¹).
/// The identity f − h + s(h + R) = 2s + sR follows from f − 2s = s f; f is exact and the
/// correction terms are below f²/2, so their roundings are small against the result.
///
/// Error bound of ``logarithm()`` for normal positive x: truncation of R after z⁹,
/// s · 2z¹⁰/21 ≤ 2.3e−17 × |2s|; the roundings of s, h and the Horner steps on terms ≤ 0.05 × |f|
/// add ≤ 1 ulp of ln m; the final sums ≤ 1.5 ulp of the result: ≤ 3 ulp (6.7e−16) relative,
/// asserted ≤ 1e−15 from libm's `log` (`LogarithmTests`) except next to x = 1, where both are
/// tiny and the absolute difference is ≤ 2e−16 × |f|. Lanes that are not positive normal numbers
/// (0, subnormal, negative, ∞, NaN) send the vector to libm.
///
/// ``power(_:)`` is e^(y ln x): the product y·ln x rounds once more, so its relative error from
/// libm's `pow` is ≤ (|y ln x| + 2) × 4.5e−16 for results that are normal — ≤ 1e−15 where
/// |y ln x| ≤ 1 and ≤ 3.3e−13 at the edge of the range, |y ln x| = 709 — within the 1e−12 that
/// the access scores promise against PySAL. y = 0 gives 1 and lanes where libm would be needed
/// (x not positive normal, e^(y ln x) outside the normal range) take libm's `pow`.
extension SIMD4 where Scalar == Double {
    /// ln x lane by lane, within 3 ulp of libm's `log` for positive normal x (see above).
    @inline(__always)
    func logarithm() -> SIMD4<Double> {
        let x = self
        let normal = (x .>= SIMD4(repeating: Double.leastNormalMagnitude)) .& (x .<= SIMD4(repeating: Double.greatestFiniteMagnitude))
        guard all(normal) else {
            return SIMD4(Foundation.log(x[0]), Foundation.log(x[1]), Foundation.log(x[2]), Foundation.log(x[3]))
        }
        let bits = unsafeBitCast(x, to: SIMD4<Int64>.self)
        // bits(√2/2): x in [2ᵏ √2/2, 2ᵏ √2) gives k = (bits − this) >> 52.
        let k = (bits &- SIMD4<Int64>(repeating: 0x3FE6_A09E_667F_3BCD)) &>> SIMD4<Int64>(repeating: 52)
        let m = unsafeBitCast(bits &- (k &<< SIMD4<Int64>(repeating: 52)), to: SIMD4<Double>.self)
        // k as a Double without a conversion instruction: the bits of 1.5·2⁵² plus k are the double 1.5·2⁵² + k.
        let magic = SIMD4<Double>(repeating: 6_755_399_441_055_744)
        let kd = unsafeBitCast(k &+ unsafeBitCast(magic, to: SIMD4<Int64>.self), to: SIMD4<Double>.self) - magic
        let f = m - SIMD4(repeating: 1)
        let s = f / (SIMD4(repeating: 2) + f)
        let z = s * s
        // R(z) = Σ 2zⁱ/(2i+1), i = 1…9, by Horner from i = 9.
        var r = SIMD4<Double>(repeating: 2.0 / 19)
        r = r * z + SIMD4(repeating: 2.0 / 17)
        r = r * z + SIMD4(repeating: 2.0 / 15)
        r = r * z + SIMD4(repeating: 2.0 / 13)
        r = r * z + SIMD4(repeating: 2.0 / 11)
        r = r * z + SIMD4(repeating: 2.0 / 9)
        r = r * z + SIMD4(repeating: 2.0 / 7)
        r = r * z + SIMD4(repeating: 2.0 / 5)
        r = r * z + SIMD4(repeating: 2.0 / 3)
        r = r * z
        let h = SIMD4<Double>(repeating: 0.5) * f * f
        let lnHigh = SIMD4<Double>(repeating: 6.93147180369123816490e-01)
        let lnLow = SIMD4<Double>(repeating: 1.90821492927058770002e-10)
        let correction: SIMD4<Double> = s * (h + r) + kd * lnLow
        let tail: SIMD4<Double> = f - (h - correction)
        return kd * lnHigh + tail
    }

    /// x^y lane by lane as e^(y ln x) (see the extension's error bound).
    ///
    /// - Precondition: `y` finite.
    @inline(__always)
    func power(_ y: Double) -> SIMD4<Double> {
        if y == 0 { return SIMD4(repeating: 1) }
        let x = self
        let normal = (x .>= SIMD4(repeating: Double.leastNormalMagnitude)) .& (x .<= SIMD4(repeating: Double.greatestFiniteMagnitude))
        let t = SIMD4(repeating: y) * x.logarithm()
        let inRange = (t .>= SIMD4(repeating: Self.exponentialLowest)) .& (t .<= SIMD4(repeating: Self.exponentialHighest))
        guard all(normal .& inRange) else {
            return SIMD4(Foundation.pow(x[0], y), Foundation.pow(x[1], y), Foundation.pow(x[2], y), Foundation.pow(x[3], y))
        }
        return t.exponential()
    }
}
