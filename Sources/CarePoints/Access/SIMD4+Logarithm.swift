import Foundation

/// ln x and x^y of four Doubles at once, for the gravity decay max(c, c_min)^(−β) of
/// ``StreamingCatchment`` (with ``SIMD4/exponential()``).
///
/// Method: Tang's table-driven logarithm (Tang 1990, "Table-driven implementation of the
/// logarithm function in IEEE floating-point arithmetic", ACM TOMS 16(4)), written here from the
/// formulas, with the reduction to [√2/2, √2) of Cody & Waite (1980) so that ln x is accurate
/// relative to itself next to x = 1:
///
///     x = 2ᵏ m,  m ∈ [√2/2, √2)          (k from the bits of x − bits of √2/2, so no branch)
///     F = i / 128,  i = round(128 m) ∈ 91…181
///     f = m − F                           (exact: Sterbenz),  |f| ≤ 1/256
///     r = f × (1/F),  |r| ≤ 0.0055       (1/F from the table: no division)
///     ln m = ln F + ln(1 + r),  ln(1 + r) ≈ r − r²/2 + r³/3 − … + r⁷/7
///     ln x = (k·L_hi + ln F) + (k·L_lo + ln(1 + r))
///
/// with ln 2 = L_hi + L_lo split as fdlibm does (L_hi with 32 significant bits: k·L_hi exact),
/// ln F and 1/F the doubles nearest the true values (``MathTables/logarithm``), and the series in
/// Estrin's form (r² beside the first products): seven dependent steps, no division.
///
/// Error bound of ``logarithm()`` for normal positive x: truncation of the series after r⁷,
/// r⁸/8 ≤ 1.2e−19; the rounding of 1/F and of f × (1/F), ≤ 2.3e−16 |r|; ln F rounded, ≤ 2⁻⁵⁴ |ln F|;
/// the series' roundings on terms ≤ 0.003 |r|, ≤ 1e−18; the two final sums ≤ 1 ulp of the
/// result. Where i = 128 (m within 1/256 of 1) ln F = 0 and 1/F = 1 are exact and ln x = k ln 2 +
/// ln(1 + f) stays accurate relative to itself; elsewhere |ln m| ≥ 0.0039. In all ≤ 3 ulp
/// (6.7e−16) relative, asserted ≤ 1e−15 from libm's `log` (`LogarithmTests`: dense sweeps, every
/// octave, both sides of every table boundary (i ± ½)/128 and of 2ᵏ √2/2) except next to x = 1,
/// where both are tiny and the absolute difference is ≤ 2e−16 × |f|. Lanes that are not positive
/// normal numbers (0, subnormal, negative, ∞, NaN) send the vector to libm.
///
/// ``power(_:)`` is e^(y ln x): the product y·ln x rounds once more, so its relative error from
/// libm's `pow` is ≤ (|y ln x| + 2) × 4.5e−16 for results that are normal — ≤ 1e−15 where
/// |y ln x| ≤ 1 and ≤ 3.3e−13 at the edge of the range, |y ln x| = 709 — within the 1e−12 that
/// the access scores promise against PySAL. y = 0 gives 1 and lanes where libm would be needed
/// (x not positive normal, e^(y ln x) outside the normal range) take libm's `pow`.
extension SIMD4 where Scalar == Double {
    /// ln x lane by lane, within 3 ulp of libm's `log` for positive normal x (see above).
    @inline(__always)
    func logarithm() -> SIMD4<Double> { logarithm(MathTables.logarithm) }

    /// ``logarithm()`` with its table passed in (``MathTables/logarithm``), so that a loop loads
    /// the address once.
    @inline(__always)
    func logarithm(_ table: UnsafePointer<Double>) -> SIMD4<Double> {
        let x = self
        let normal = (x .>= SIMD4(repeating: Double.leastNormalMagnitude)) .& (x .<= SIMD4(repeating: Double.greatestFiniteMagnitude))
        guard allLanes(normal) else {
            return SIMD4(Foundation.log(x[0]), Foundation.log(x[1]), Foundation.log(x[2]), Foundation.log(x[3]))
        }
        let bits = unsafeBitCast(x, to: SIMD4<Int64>.self)
        // bits(√2/2) = 0x3FE6A09E667F3BCD: x in [2ᵏ √2/2, 2ᵏ √2) gives k + 1023 = (bits − this +
        // 1023·2⁵²) >> 52, a logical shift of a non-negative number (x normal: k ≥ −1022), as SSE2
        // has no arithmetic shift of 64-bit lanes; m = x with its exponent field replaced.
        let shifted = unsafeBitCast(bits &- SIMD4<Int64>(repeating: 0x3FE6_A09E_667F_3BCD - (1023 << 52)), to: SIMD4<UInt64>.self)
        let biasedK = unsafeBitCast(shifted &>> SIMD4<UInt64>(repeating: 52), to: SIMD4<Int64>.self)
        let m = unsafeBitCast(bits &- ((biasedK &- SIMD4<Int64>(repeating: 1023)) &<< SIMD4<Int64>(repeating: 52)), to: SIMD4<Double>.self)
        // k as a Double without a conversion instruction: the bits of 1.5·2⁵² plus k + 1023 are the
        // double 1.5·2⁵² + k + 1023.
        let magic = SIMD4<Double>(repeating: 6_755_399_441_055_744)
        let magicBits = unsafeBitCast(magic, to: SIMD4<Int64>.self)
        let kd = unsafeBitCast(biasedK &+ magicBits, to: SIMD4<Double>.self) - SIMD4(repeating: 6_755_399_441_056_767)
        // i = round(128 m) by the same shifter; F = i / 128 exactly, f = m − F exactly.
        let t = m * SIMD4(repeating: 128) + magic
        let i = (unsafeBitCast(t, to: SIMD4<Int64>.self) &- magicBits &- SIMD4<Int64>(repeating: 90)) &<< SIMD4<Int64>(repeating: 1)
        let f = m - (t - magic) * SIMD4(repeating: 1.0 / 128)
        let lnF = SIMD4<Double>(table[Int(i[0])], table[Int(i[1])], table[Int(i[2])], table[Int(i[3])])
        let inverseF = SIMD4<Double>(table[Int(i[0]) + 1], table[Int(i[1]) + 1], table[Int(i[2]) + 1], table[Int(i[3]) + 1])
        let r = f * inverseF
        // ln(1 + r) = r + r²[(−1/2 + r/3) + r²((−1/4 + r/5) + r²(−1/6 + r/7))]  (Estrin).
        let r2 = r * r
        let a = SIMD4<Double>(repeating: -0.5) + r * SIMD4(repeating: 1.0 / 3)
        let b = SIMD4<Double>(repeating: -0.25) + r * SIMD4(repeating: 0.2)
        let c = SIMD4<Double>(repeating: -1.0 / 6) + r * SIMD4(repeating: 1.0 / 7)
        let series = r + r2 * (a + r2 * (b + r2 * c))
        let high = kd * SIMD4(repeating: 6.93147180369123816490e-01) + lnF
        let low = kd * SIMD4(repeating: 1.90821492927058770002e-10) + series
        return high + low
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
        guard allLanes(normal .& inRange) else {
            return SIMD4(Foundation.pow(x[0], y), Foundation.pow(x[1], y), Foundation.pow(x[2], y), Foundation.pow(x[3], y))
        }
        return t.exponential()
    }
}
