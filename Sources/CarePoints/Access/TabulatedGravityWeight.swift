import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Gravity decay f(c) = max(c, c_min)^(−β) for any real 0 < β ≤ 8, four candidates at a time,
/// from the bits of x = detour² d² (= c²): no square root, division, ln or e^x per pair.
///
/// With a = −β/2, x = 2^E · m, m ∈ [1, 2), k the top 10 bits of m's fraction and the node
/// m_k = 1 + (k + ½)/1024 (the middle of its 1,024th of the binade),
///
///     f = x^a = S[E] · T[k] · (1 + z)^a,   z = (m − m_k) · R[k],  |z| ≤ h = 2⁻¹¹,
///     S[E] = 2^(aE),  T[k] = m_k^a,  R[k] = 1/m_k,
///     (1 + z)^a ≈ 1 + z p(z),  p(z) = Σ_{j=1…n} C(a, j) z^(j−1)  (Taylor, degree n; Estrin's scheme),
///     f = S T + (S T z) · p(z)
///
/// (``GravityPowerTable``: the tables and the coefficients, built once per run). m − m_k is made
/// from x's bits as 1 + (the fraction bits below k) − (1 + h), exact (both in [1, 2), Sterbenz). T
/// and R lie side by side, so one 16-byte load per lane fetches both; S is indexed by x's top 12
/// bits. S T and S T z are ready before p(z), so the dependency chain from z is p's and two
/// operations. `Series` is n = 4 where its truncation is ≤ 2⁻⁵⁵ (β ≤ 1.9,
/// ``TabulatedGravity/series(beta:)``; the shorter polynomial is the faster kernel), else n = 5
/// (truncation ≤ 2⁻⁵⁹ up to β = 8).
///
/// Error bound against libm's `pow(max(c, c_min), −β)` on the cost as the pair list computes it,
/// c = detour × √d² (u = 2⁻⁵³ the unit roundoff, |a| ≤ 4):
/// - against x^a for the x computed, ≤ 4.5u relative: S[E] and T[k] each rounded once from 64-bit
///   `powl` on x86-64 (≤ 1.001u each); the product S T and the final sum (2u); z's two roundings
///   (R and the product, ≤ 2.01u relative in z) move (1 + z)^a by ≤ |a| h 2.01u (≤ 0.004u); the
///   roundings of S T z, of p and its coefficients and of the product (≤ 8u relative in a term
///   ≤ 2⁻⁹ of f) add ≤ 0.02u; the truncation |C(a, n + 1)| h^(n+1) (1 − h)^(a − n − 1) ≤ 2⁻⁵⁵
///   = 0.25u (``TabulatedGravity/truncation(beta:degree:)``);
/// - x differs from the rounded c² by ≤ 6u relative (2 roundings in x, 2 in c, squared; 2u when
///   detour = 1), which the power scales by |a| = β/2: ≤ 3βu;
/// - `pow` is within 1 ulp (≤ 2u relative).
///
/// In all ≤ (3β + 6.5)u relative: 1.2e−15 for β = 1.5, 3.4e−15 for β = 8 (tests:
/// `TabulatedGravityKernelTests`). Whether c ≤ c_min is decided on d² as ``GravityWeight`` decides
/// it (exactly as `max` on the cost); those pairs weigh `pow(c_min, −β)`, so c = 0 with c_min = 0
/// gives +∞ as `pow` does. A vector with a lane not floored whose x lies outside the binades
/// where S[E], and f, are normal numbers ≤ 2¹⁰²² (``GravityPowerTable/lowest`` … `highest`)
/// takes libm's `pow` lane by lane; the test is left out where no pair within reach can fail it
/// (as ``HalfIntegerGravityWeight`` leaves it out).
struct TabulatedGravityWeight<Series: PowerSeries>: SquaredDistanceWeight {
    static var branchFree: Bool { true }
    static var skipsOutside: Bool { true }

    /// The tables (kept alive here; the kernel reads them through the pointers below).
    private let table: GravityPowerTable
    nonisolated(unsafe) private let scales: UnsafePointer<Double>
    nonisolated(unsafe) private let nodes: UnsafeRawPointer
    /// C(a, 1) … C(a, n), each in both lanes (0 beyond n).
    private let c1: SIMD2<Double>, c2: SIMD2<Double>, c3: SIMD2<Double>, c4: SIMD2<Double>, c5: SIMD2<Double>
    private let detourSquared: SIMD2<Double>
    /// The floor c ≤ c_min and libm's weights.
    private let floor: GravityFloor
    /// The floor's squared limit and weight, in both lanes.
    private let floorSquared: SIMD2<Double>, floorWeight: SIMD2<Double>
    private let lowest: SIMD2<Double>, highest: SIMD2<Double>
    /// False when every pair within reach and not floored has x in range (as
    /// ``HalfIntegerGravityWeight`` decides it): then no vector is checked.
    private let checksRange: Bool

    /// `squaredLimit`: the threshold's squared limit (``CellSortedPoints/squaredLimit(cost:detourFactor:)``);
    /// weights are exact for d² ≤ `squaredLimit`.
    ///
    /// - Precondition: 0 < β ≤ 8, and `Series` is ``TabulatedGravity/series(beta:)``.
    init(beta: Double, minimumCost: Double, detourFactor: Double, squaredLimit: Double) {
        precondition(TabulatedGravity.covers(beta: beta) && TabulatedGravity.series(beta: beta) == Series.self)
        table = GravityPowerTable(beta: beta, degree: Series.degree)
        scales = table.scales
        nodes = UnsafeRawPointer(table.nodes)
        let c = table.coefficients.map { SIMD2(repeating: $0) } + [SIMD2](repeating: .zero, count: 5 - Series.degree)
        (c1, c2, c3, c4, c5) = (c[0], c[1], c[2], c[3], c[4])
        let detourSquared = detourFactor * detourFactor
        self.detourSquared = SIMD2(repeating: detourSquared)
        floor = GravityFloor(beta: beta, minimumCost: minimumCost, detourFactor: detourFactor)
        (floorSquared, floorWeight) = (SIMD2(repeating: floor.squared), SIMD2(repeating: floor.weight))
        (lowest, highest) = (SIMD2(repeating: table.lowest), SIMD2(repeating: table.highest))
        checksRange = !(detourSquared * floor.squared >= table.lowest && detourSquared * squaredLimit <= table.highest)
    }

    @inline(__always) func weight(squaredDistance d2: Double) -> Double {
        weights(squaredDistances: SIMD4(repeating: d2))[0]
    }

    #if arch(x86_64)
    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        // Two lanes at a time (SSE2's width), masks and blends as SSE2 instructions: LLVM lowers
        // SIMD4 masks with scalar compares and shuffles there.
        let (low, lowInRange) = pair(d2.lowHalf), (high, highInRange) = pair(d2.highHalf)
        if checksRange {
            guard lowInRange && highInRange else { return floor.libmWeights(d2) }
        }
        return SIMD4(lowHalf: low, highHalf: high)
    }

    /// The weights of two lanes, and whether each lane is floored or has x in range.
    @inline(__always) private func pair(_ d2: SIMD2<Double>) -> (SIMD2<Double>, Bool) {
        let floored = _mm_cmple_pd(d2, floorSquared)
        let x = d2 * detourSquared
        let w = _mm_or_pd(_mm_and_pd(floored, floorWeight), _mm_andnot_pd(floored, power(x)))
        guard checksRange else { return (w, true) }
        let inRange = _mm_and_pd(_mm_cmpge_pd(x, lowest), _mm_cmple_pd(x, highest))
        return (w, _mm_movemask_pd(_mm_or_pd(inRange, floored)) == 3)
    }
    #else
    @inline(__always) func weights(squaredDistances d2: SIMD4<Double>) -> SIMD4<Double> {
        let floored = d2 .<= SIMD4(repeating: floor.squared)
        let x = SIMD4(lowHalf: detourSquared, highHalf: detourSquared) * d2
        let w = SIMD4(lowHalf: power(x.lowHalf), highHalf: power(x.highHalf))
        if checksRange {
            let inRange = (x .>= SIMD4(lowHalf: lowest, highHalf: lowest)) .& (x .<= SIMD4(lowHalf: highest, highHalf: highest))
            guard allLanes(inRange .| floored) else { return floor.libmWeights(d2) }
        }
        return w.replacing(with: floor.weight, where: floored)
    }
    #endif

    /// x^a of two x ≥ 0 (meaningful in the kernel's binades).
    @inline(__always) private func power(_ x: SIMD2<Double>) -> SIMD2<Double> {
        let b = UInt64(GravityPowerTable.nodeBits)
        let bits = unsafeBitCast(x, to: SIMD2<UInt64>.self)
        // m − m_k, exactly: 1 + (m's fraction bits below k) − (1 + h), both in [1, 2).
        let below = unsafeBitCast((bits & SIMD2(repeating: (1 << (52 - b)) - 1)) | SIMD2(repeating: 0x3FF0_0000_0000_0000),
                                  to: SIMD2<Double>.self)
        let h = Double(sign: .plus, exponent: -GravityPowerTable.nodeBits - 1, significand: 1)
        let offset: SIMD2<Double> = below - SIMD2(repeating: 1 + h)
        // Each lane's k as a byte offset into (T, R), and its top 12 bits (sign and biased
        // exponent) into S, which has an entry for each.
        let b0 = bits[0], b1 = bits[1], kMask: UInt64 = ((1 << b) - 1) << 4
        let p0 = nodes.load(fromByteOffset: Int(truncatingIfNeeded: (b0 &>> (48 - b)) & kMask), as: SIMD2<Double>.self)
        let p1 = nodes.load(fromByteOffset: Int(truncatingIfNeeded: (b1 &>> (48 - b)) & kMask), as: SIMD2<Double>.self)
        let t = SIMD2(p0[0], p1[0]), r = SIMD2(p0[1], p1[1])
        let s = SIMD2(scales[Int(truncatingIfNeeded: b0 &>> 52)], scales[Int(truncatingIfNeeded: b1 &>> 52)])
        let z: SIMD2<Double> = offset * r
        let z2: SIMD2<Double> = z * z
        let st: SIMD2<Double> = s * t
        let low: SIMD2<Double> = c1 + c2 * z, middle: SIMD2<Double> = c3 + c4 * z
        var p: SIMD2<Double> = low + z2 * middle
        if Series.degree == 5 {
            let z4: SIMD2<Double> = z2 * z2
            p += z4 * c5
        }
        let stz: SIMD2<Double> = st * z
        return st + stz * p
    }
}

/// The degree of ``TabulatedGravityWeight``'s polynomial.
protocol PowerSeries {
    /// Degree n of the Taylor polynomial of (1 + z)^a: 4 or 5.
    static var degree: Int { get }
}

/// Degree 4: for β ≤ 1.9 (truncation ≤ 2⁻⁵⁵).
enum ShortPowerSeries: PowerSeries {
    static var degree: Int { 4 }
}

/// Degree 5: for every β ≤ 8 (truncation ≤ 2⁻⁵⁹).
enum LongPowerSeries: PowerSeries {
    static var degree: Int { 5 }
}

/// The choice of ``TabulatedGravityWeight``'s shape, and its truncation bound.
enum TabulatedGravity {
    /// The largest β the kernel takes (``LongPowerSeries``'s truncation ≤ 2⁻⁵⁹ up to it).
    static let maximumBeta = 8.0

    /// True for the β the kernel can take: 0 < β ≤ 8.
    static func covers(beta: Double) -> Bool { beta > 0 && beta <= maximumBeta }

    /// True for the β the streaming path gives this kernel: 0 < β ≤ 8 and not a whole number.
    /// Whole β keep ``HalfIntegerGravityWeight`` (1/x for β = 2, 1/√x for β = 1: at most one
    /// square root, faster); odd multiples of ½ (two chained square roots there) are faster here
    /// (β = 0.5, 1.5: 12–13 % less CPU; 200,000 × 20,000, 10 km; benchmarks/RESULTS.md).
    static func takes(beta: Double) -> Bool {
        covers(beta: beta) && HalfIntegerGravity.halves(beta: beta).map { $0 % 2 == 1 } ?? true
    }

    /// ``ShortPowerSeries`` where its truncation is ≤ 2⁻⁵⁵, else ``LongPowerSeries``.
    static func series(beta: Double) -> any PowerSeries.Type {
        truncation(beta: beta, degree: ShortPowerSeries.degree) <= 0x1p-55
            ? ShortPowerSeries.self : LongPowerSeries.self
    }

    /// The Taylor remainder's bound, relative: |C(a, n + 1)| h^(n+1) (1 − h)^(a − n − 1), a = −β/2,
    /// h = 2⁻¹¹ ≥ |z| (Lagrange's form; (1 + ξ)^(a − n − 1) is largest at ξ = −h).
    static func truncation(beta: Double, degree n: Int) -> Double {
        let a = -beta / 2, h = Double(sign: .plus, exponent: -GravityPowerTable.nodeBits - 1, significand: 1)
        var c = 1.0
        for j in 1...(n + 1) { c = c * (a - Double(j - 1)) / Double(j) }
        return abs(c) * Foundation.pow(h, Double(n + 1)) * Foundation.pow(1 - h, a - Double(n + 1))
    }
}

/// The tables and coefficients of ``TabulatedGravityWeight`` for one β, built once per run:
/// S[e] = 2^(a(e − 1023)) for the biased exponents e of x (NaN outside the kernel's binades and
/// for negative x), (T[k], R[k]) = (m_k^a, 1/m_k) for m_k = 1 + (k + ½)/1024, k = 0…1023, and
/// C(a, j), j = 1…n, a = −β/2. Each entry is rounded once to the nearest double from 64-bit
/// `powl` on x86-64 (elsewhere from `pow`).
///
/// Thread safety: immutable after `init`; the tables are freed with the object.
final class GravityPowerTable: @unchecked Sendable {
    /// Top bits of m's fraction that pick the node: 1,024 nodes (16 KiB), |z| ≤ 2⁻¹¹.
    static let nodeBits = 10
    /// S by x's top 12 bits (sign and biased exponent), 4,096 entries.
    let scales: UnsafePointer<Double>
    /// T[k], R[k] interleaved (16-byte aligned), 1,024 pairs.
    let nodes: UnsafePointer<Double>
    /// C(a, 1) … C(a, n).
    let coefficients: [Double]
    /// The x for which the kernel's S[E] and f are normal numbers ≤ 2¹⁰²²: whole binades
    /// [2^E_min, 2^(E_max + 1)), `highest` the last double below the latter (or the largest double).
    let lowest: Double, highest: Double

    /// - Precondition: 0 < β ≤ 8, 1 ≤ `degree`.
    init(beta: Double, degree: Int) {
        precondition(TabulatedGravity.covers(beta: beta) && degree >= 1)
        let a = -beta / 2
        // S[E] = 2^(aE) is used where 2^(aE) ≤ 2¹⁰²² (f ≤ S) and 2^(a(E + 1)) ≥ 2⁻¹⁰²¹ (f > S · 2^a,
        // less the roundings): E·a ≤ 1022 and (E + 1)·a ≥ −1021.
        let scales = UnsafeMutablePointer<Double>.allocate(capacity: 4096)
        scales.initialize(repeating: .nan, count: 4096)
        var first = Int.max, last = Int.min
        for e in 1...2046 {
            let exponent = e - 1023
            guard a * Double(exponent) <= 1022, a * Double(exponent + 1) >= -1021 else { continue }
            scales[e] = Self.power(2, Double(exponent), beta: beta)
            first = Swift.min(first, exponent)
            last = Swift.max(last, exponent)
        }
        self.scales = UnsafePointer(scales)
        lowest = Double(sign: .plus, exponent: first, significand: 1)
        highest = last >= 1023 ? .greatestFiniteMagnitude : Double(sign: .plus, exponent: last + 1, significand: 1).nextDown

        let nodeCount = 1 << Self.nodeBits
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 16 * nodeCount, alignment: 16)
        let nodes = raw.bindMemory(to: Double.self, capacity: 2 * nodeCount)
        for k in 0..<nodeCount {
            let node = 1 + (Double(k) + 0.5) / Double(nodeCount)  // exact: 11 fraction bits
            nodes[2 * k] = Self.power(node, 1, beta: beta)
            nodes[2 * k + 1] = 1 / node
        }
        self.nodes = UnsafePointer(nodes)
        coefficients = Self.binomials(a: a, degree: degree)
    }

    deinit {
        scales.deallocate()
        nodes.deallocate()
    }

    /// base^(−β/2 · scale), each rounded once from `powl` on x86-64 (the exponent −β/2 · scale is
    /// exact there: 53 + 11 bits).
    private static func power(_ base: Double, _ scale: Double, beta: Double) -> Double {
        #if arch(x86_64) && !os(Windows) && !os(Android)
        Double(Foundation.pow(Float80(base), -Float80(beta) / 2 * Float80(scale)))
        #else
        Foundation.pow(base, -beta / 2 * scale)
        #endif
    }

    /// C(a, j) = a (a − 1) … (a − j + 1) / j!, j = 1…`degree` (64-bit on x86-64, then rounded).
    static func binomials(a: Double, degree: Int) -> [Double] {
        #if arch(x86_64) && !os(Windows) && !os(Android)
        var c: Float80 = 1, result: [Double] = []
        for j in 1...degree {
            c = c * (Float80(a) - Float80(j - 1)) / Float80(j)
            result.append(Double(c))
        }
        return result
        #else
        var c = 1.0, result: [Double] = []
        for j in 1...degree {
            c = c * (a - Double(j - 1)) / Double(j)
            result.append(c)
        }
        return result
        #endif
    }
}
