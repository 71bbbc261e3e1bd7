import Foundation

/// e^x for x in a bounded range [`lowest`, 0], four Doubles at once, for the Gaussian decay of
/// ``StreamingCatchment`` (issue 21): every pair the sums keep has x = s·d² with d² ≤ the squared
/// limit, so x ≥ s·limit; lanes beyond the limit are clamped into the range and discarded by the
/// caller. A table of the run's range replaces the general reduction of ``SIMD4/exponential()``:
/// no range check, no 2ⁿ scaling, no libm path.
///
/// Method (Tang's table-driven scheme, with the table indexed by x itself): the argument is taken
/// scaled, u = −128 x ∈ [0, −128 `lowest`] (a scaling by a power of two: exact), and
///
///     k = round(u)                      (the 1.5 × 2⁵² shifter: t = u + 1.5·2⁵², k = t − 1.5·2⁵²)
///     r' = k − u,  |r'| ≤ ½              (exact: Sterbenz for k ≥ 1, u itself for k = 0)
///     e^x = E_k · e^(r'/128) = E_k + E_k · p(r'),  E_k = e^(−k/128) rounded to nearest,
///     p(r') = Σ_{n=1…5} (r'/128)ⁿ / n!  (Taylor, Estrin's form; coefficients 128⁻ⁿ/n! rounded once)
///
/// since x = −k/128 + r'/128.
///
/// Error bound, relative to the true e^x, with r = r'/128, |r| ≤ 1/256:
/// - truncation: r⁶/720 · e^|r| ≤ 2⁻⁴⁸/720 · 1.004 ≤ 5.0e−18;
/// - the polynomial's roundings (its coefficients and operations, relative ≈ 4 · 2⁻⁵³ of |p| ≤
///   0.0040) and the rounding of E_k · p: ≤ 2.5e−18 of E_k;
/// - the table: E_k the double nearest e^(−k/128), ≤ 2⁻⁵³ = 1.11e−16 of E_k, and E_k ≤ 1.004 e^x;
/// - the final E_k + E_k·p rounds once, ≤ 1.11e−16.
///
/// In all ≤ 2.3e−16 relative (as ``SIMD4/exponential()``'s), ≤ 3.5e−16 from glibc's `exp` (≤ 0.511
/// ulp, 1.14e−16), asserted ≤ 4.5e−16 over dense sweeps, at both sides of every rounding boundary of
/// k and on the clamped lanes (`BoundedExponentialTests`). The reduction needs neither the range
/// check nor the 2ⁿ scaling of the general e^x: about 17 operations per pair of lanes against 25.
///
/// The table E_0 … E_K, K = ⌈−128 `lowest`⌉ ≤ ``maximumIndex``, is built once per run: E_k =
/// (e^(−1/128))^k in double-double arithmetic (e^(−1/128) by its Taylor series, products exact to
/// ≈ 2⁻¹⁰⁴ with the fused product's error term — libm's exact `fma` on CPUs without one), then rounded to the nearest double; the
/// accumulated error, ≤ 8,192 × 3 × 2⁻¹⁰⁴ ≈ 1.2e−27 relative, can mislead the rounding only for a
/// value within that of a midpoint between two doubles (tested against glibc's 64-bit `expl`).
///
/// Thread safety: immutable after `init`; share it between threads freely.
struct BoundedExponential: Sendable {
    /// Table entries per unit of x.
    static let stepsPerUnit = 128.0
    /// The largest index K: a table for x ≥ −64 (8,193 entries, 64 KiB).
    static let maximumIndex = 8_192
    /// Entries allocated whatever the range, so that any index of 14 bits reads inside the table
    /// (those beyond K hold NaN): the index is masked, never out of bounds.
    private static let capacity = 1 << 14

    /// The lowest x of the range.
    let lowest: Double
    /// The largest scaled argument u = −128 x of the range (−128 `lowest`, exact).
    let highestScaled: Double
    private let owner: Table
    nonisolated(unsafe) let entries: UnsafePointer<Double>

    /// The table's storage, freed with the last copy of the exponential.
    private final class Table: Sendable {
        nonisolated(unsafe) let pointer: UnsafeMutablePointer<Double>
        init(count: Int) {
            pointer = .allocate(capacity: BoundedExponential.capacity)
            pointer.initialize(repeating: .nan, count: BoundedExponential.capacity)
            var power = DoubleDouble(1)
            let step = DoubleDouble.exponential(ofReciprocal: -BoundedExponential.stepsPerUnit)
            for k in 0..<count {
                pointer[k] = power.rounded
                power = power * step
            }
        }
        deinit { pointer.deallocate() }
    }

    /// nil when `lowest` is not in [−64, 0] (the table would be too large: use
    /// ``SIMD4/exponential()``).
    init?(lowest: Double) {
        guard lowest <= 0, lowest >= -Double(Self.maximumIndex) / Self.stepsPerUnit else { return nil }
        self.lowest = lowest
        highestScaled = -lowest * Self.stepsPerUnit
        owner = Table(count: Int(highestScaled.rounded(.up)) + 1)
        entries = UnsafePointer(owner.pointer)
    }

    /// e^(−u/128) lane by lane for u in [0, ``highestScaled``] (u = −128 x); within 2.3e−16 relative.
    /// A lane outside that range (the caller clamps) reads a NaN or a wrong entry, never outside the
    /// table.
    @inline(__always)
    func callAsFunction(scaled u: SIMD4<Double>) -> SIMD4<Double> {
        let shifter = SIMD4<Double>(repeating: 6_755_399_441_055_744)  // 1.5 × 2⁵²: adding it rounds to an integer
        let t = u + shifter
        let r = (t - shifter) - u  // k − u, exact
        // e^(−u/128) = E_k · e^(r/128): p = c1 r + r²(c2 + c3 r) + r⁴(c4 + c5 r), c_n = 128⁻ⁿ / n!
        // (c1 and c2 exact).
        let r2 = r * r
        let a = SIMD4<Double>(repeating: 0x1p-15) + r * SIMD4(repeating: 1.0 / 12_582_912)  // 1/(2·128²), 1/(6·128³)
        let b = SIMD4<Double>(repeating: 1.0 / 6_442_450_944) + r * SIMD4(repeating: 1.0 / 4_123_168_604_160)  // 1/(24·128⁴), 1/(120·128⁵)
        let p = r * SIMD4(repeating: 0x1p-7) + r2 * (a + r2 * b)
        // The low bits of t hold k.
        let bits = unsafeBitCast(t, to: SIMD4<UInt64>.self) & SIMD4(repeating: UInt64(Self.capacity - 1))
        let e = SIMD4<Double>(entries[Int(bits[0])], entries[Int(bits[1])], entries[Int(bits[2])], entries[Int(bits[3])])
        return e + e * p
    }

    /// e^x of one Double: the table's when x is in [``lowest``, 0] (the same bits as a lane of
    /// ``callAsFunction(scaled:)``), else Foundation's `exp`.
    @inline(__always)
    func callAsFunction(_ x: Double) -> Double {
        let u = -x * Self.stepsPerUnit
        guard u >= 0, u <= highestScaled else { return Foundation.exp(x) }
        return callAsFunction(scaled: SIMD4(repeating: u))[0]
    }
}

/// An unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2, for building ``BoundedExponential``'s table.
struct DoubleDouble {
    var hi: Double
    var lo: Double

    init(_ value: Double) { (hi, lo) = (value, 0) }
    init(hi: Double, lo: Double) { (self.hi, self.lo) = (hi, lo) }

    /// The double nearest hi + lo.
    var rounded: Double { hi + lo }

    /// hi + lo renormalised, for |a| ≥ |b| (Dekker's fast two-sum).
    @inline(__always)
    private static func sum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        return DoubleDouble(hi: s, lo: b - (s - a))
    }

    /// The product, within ≈ 3 × 2⁻¹⁰⁴ relative: hi·hi exactly (its error by a fused multiply-add),
    /// the cross terms rounded.
    static func * (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let p = a.hi * b.hi
        let e = (-p).addingProduct(a.hi, b.hi)
        return sum(p, e + (a.hi * b.lo + a.lo * b.hi))
    }

    /// The sum, within ≈ 2 × 2⁻¹⁰⁶ relative of |a| + |b| (Knuth's two-sum of the high parts, any signs).
    static func + (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let s = a.hi + b.hi
        let bv = s - a.hi
        let error = (a.hi - (s - bv)) + (b.hi - bv)
        return sum(s, error + (a.lo + b.lo))
    }

    /// The quotient by a small positive integer n (exactly representable): hi / n with its exact
    /// remainder hi − q·n (a fused multiply-add is exact there), the low part divided likewise.
    static func / (a: DoubleDouble, n: Double) -> DoubleDouble {
        let q = a.hi / n
        let remainder = a.hi.addingProduct(-q, n)
        return sum(q, (remainder + a.lo) / n)
    }

    /// e^(1/m) for m = ±2^j, |m| ≥ 64 (so that 1/m and each term's product by it are exact), by
    /// the Taylor series Σ (1/m)ⁿ / n! to n = 20 (remainder below 64⁻²¹ / 21! ≈ 1e−57). The terms
    /// alternate in sign for m < 0; Σ|terms| / |Σ| ≤ e^(2/64) ≈ 1.03, so the roundings stay ≈ 2⁻¹⁰⁴.
    static func exponential(ofReciprocal m: Double) -> DoubleDouble {
        let y = 1 / m
        var term = DoubleDouble(1)
        var total = DoubleDouble(1)
        for n in 1...20 {
            term = DoubleDouble(hi: term.hi * y, lo: term.lo * y) / Double(n)
            total = total + term
        }
        return total
    }
}
