import Foundation

/// e^x of four Doubles at once, for the weight kernels of ``StreamingCatchment`` (Gaussian decay).
///
/// Method (Cody & Waite 1980; Tang 1989 for the shape of the error analysis):
///
///     n = round(x / ln 2)                       (the 1.5 × 2⁵² shifter: t = x·log₂e + 1.5·2⁵²)
///     r = (x − n·L_hi) − n·L_lo,  |r| ≤ ln 2 / 2 + 2⁻⁴³
///     e^r ≈ Σ_{k=0…13} r^k / k!                 (Horner, k = 13 first)
///     e^x = e^r × 2ⁿ,  2ⁿ built from the bits of t: ((bits(t) + 1023) << 52)
///
/// L_hi = 0x1.62e42fee00000p−1 has 32 significant bits, so n·L_hi is exact for |n| < 2²¹, and
/// L_hi + L_lo equals ln 2 to about 2⁻⁸⁴ (fdlibm's split).
///
/// Error bound, relative to the true e^x, for x in [−708.39, 709] (results normal):
/// - truncation: r¹⁴/14! × e^|r| / e^r ≤ 0.3466¹⁴ / 14! × 2 ≤ 1e−17;
/// - reduction: the absolute error of r (rounding of n·L_lo and of the subtraction, ≤ 2 ulp(0.35)
///   + 1023 × 2⁻⁸⁴) is ≤ 1.2e−16, and becomes the same relative error of e^r;
/// - Horner without fused multiply–add: each step rounds twice; the terms shrink by ≥ 0.35/k, so
///   the accumulated error is dominated by the last two steps, ≤ 2.5 ulp of a value in
///   [0.70, 1.42], ≤ 4e−16 relative;
/// - scaling by 2ⁿ is exact (normal results).
///
/// In all ≤ 6e−16 relative, ≤ 7e−16 from libm's `exp` (itself within 1 ulp), asserted ≤ 1e−15 over dense
/// sweeps (`ExponentialTests`). Lanes outside the range (NaN, ±∞, results that
/// would be subnormal, 0 or overflow) send the whole vector to Foundation's `exp`, lane by lane.
extension SIMD4 where Scalar == Double {
    /// The smallest x whose e^x is normal: ln(2⁻¹⁰²²).
    static var exponentialLowest: Double { -708.3964185322641 }
    /// The largest x handled without libm (n ≤ 1023).
    static var exponentialHighest: Double { 709.0 }

    /// e^x lane by lane, within 7e−16 relative of libm's `exp` (see the extension's error bound).
    @inline(__always)
    func exponential() -> SIMD4<Double> {
        let x = self
        let inRange = (x .>= SIMD4(repeating: Self.exponentialLowest)) .& (x .<= SIMD4(repeating: Self.exponentialHighest))
        guard all(inRange) else {
            return SIMD4(Foundation.exp(x[0]), Foundation.exp(x[1]), Foundation.exp(x[2]), Foundation.exp(x[3]))
        }
        let shifter = SIMD4<Double>(repeating: 6_755_399_441_055_744)  // 1.5 × 2⁵²: adding it rounds to an integer
        let t = x * SIMD4(repeating: 1.4426950408889634) + shifter  // x log₂e + 1.5·2⁵²
        let n = t - shifter
        let r = (x - n * SIMD4(repeating: 6.93147180369123816490e-01)) - n * SIMD4(repeating: 1.90821492927058770002e-10)
        var p = SIMD4<Double>(repeating: 1.6059043836821613e-10)  // 1/13!
        p = p * r + SIMD4(repeating: 2.08767569878681e-09)         // 1/12!
        p = p * r + SIMD4(repeating: 2.505210838544172e-08)        // 1/11!
        p = p * r + SIMD4(repeating: 2.755731922398589e-07)        // 1/10!
        p = p * r + SIMD4(repeating: 2.7557319223985893e-06)       // 1/9!
        p = p * r + SIMD4(repeating: 2.48015873015873e-05)         // 1/8!
        p = p * r + SIMD4(repeating: 0.0001984126984126984)        // 1/7!
        p = p * r + SIMD4(repeating: 0.001388888888888889)         // 1/6!
        p = p * r + SIMD4(repeating: 0.008333333333333333)         // 1/5!
        p = p * r + SIMD4(repeating: 0.041666666666666664)         // 1/4!
        p = p * r + SIMD4(repeating: 0.16666666666666666)          // 1/3!
        p = p * r + SIMD4(repeating: 0.5)
        p = p * r + SIMD4(repeating: 1)
        p = p * r + SIMD4(repeating: 1)
        // The low bits of t hold n (two's complement in the significand); n + 1023 in 1…2046 is the
        // biased exponent of 2ⁿ, and the shift drops everything above it.
        let bits = (unsafeBitCast(t, to: SIMD4<UInt64>.self) &+ SIMD4<UInt64>(repeating: 1023)) &<< SIMD4<UInt64>(repeating: 52)
        return p * unsafeBitCast(bits, to: SIMD4<Double>.self)
    }
}
