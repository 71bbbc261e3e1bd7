@testable import CarePoints
import Foundation
import Testing

/// ``BoundedExponential`` (the Gaussian decay's e^x on [s·limit, 0]): its table against glibc's
/// 64-bit `expl` (each entry the double nearest e^(−k/128)), dense sweeps of the range against
/// `expl` (documented bound 2.3e−16 relative) and against libm's `exp` (≤ 4.5e−16), both sides of
/// every rounding boundary of the table index, the clamped lanes of ``GaussianWeight``, and a
/// check that the sweep catches an error just above the bound.
@Suite struct BoundedExponentialTests {
    /// The documented bound against the true e^x, and against glibc's `exp` (itself ≤ 0.511 ulp).
    static let trueBound = 2.3e-16
    static let libmBound = 4.5e-16

    #if arch(x86_64) || arch(i386)
    /// e^x in 64-bit precision (glibc's `expl`, within a few units of 2⁻⁶⁴ relative).
    private func reference(_ x: Double) -> Float80 { Foundation.exp(Float80(x)) }
    #endif

    /// The largest relative differences of `f` (four lanes at a time through `scaled`) over `xs`:
    /// from libm's `exp`, and (x86) from `expl`.
    private func worst(_ xs: [Double], _ f: (SIMD4<Double>) -> SIMD4<Double>) -> (libm: Double, exact: Double, at: Double) {
        var libm = 0.0, exact = 0.0, at = 0.0
        var k = 0
        while k < xs.count {
            let x = SIMD4(xs[k], xs[(k + 1) % xs.count], xs[(k + 2) % xs.count], xs[(k + 3) % xs.count])
            let e = f(-x * 128)
            for lane in 0..<4 {
                let l = Foundation.exp(x[lane])
                let d = abs(e[lane] - l) / l
                if d > libm { (libm, at) = (d, x[lane]) }
                #if arch(x86_64) || arch(i386)
                let r = reference(x[lane])
                exact = Swift.max(exact, Double(abs(Float80(e[lane]) - r) / r))
                #endif
            }
            k += 4
        }
        return (libm, exact, at)
    }

    private func check(_ lowest: Double, _ xs: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        let e = BoundedExponential(lowest: lowest)!
        let (libm, exact, at) = worst(xs) { e(scaled: $0) }
        #expect(libm <= Self.libmBound, "from libm: \(libm) at x = \(at)", sourceLocation: sourceLocation)
        #expect(exact <= Self.trueBound, "from expl: \(exact)", sourceLocation: sourceLocation)
    }

    #if arch(x86_64) || arch(i386)
    /// True when no double next to v is nearer r than v is (within the reference's own error,
    /// 2⁻⁶² relative).
    private func isNearest(_ v: Double, _ r: Float80) -> Bool {
        let d = abs(Float80(v) - r), slack = r * 0x1p-62
        return d <= abs(Float80(v.nextUp) - r) + slack && d <= abs(Float80(v.nextDown) - r) + slack
    }
    #endif

    /// Every entry is the double nearest e^(−k/128), k = 0 … 8,192, against `expl`; the check
    /// rejects the neighbouring doubles (so it can fail).
    @Test func tableEntriesAreNearest() throws {
        let e = try #require(BoundedExponential(lowest: -64))
        #expect(e.highestScaled == 8_192)
        #expect(e.entries[0] == 1)
        #if arch(x86_64) || arch(i386)
        var wrong: [Int] = []
        for k in 0...8_192 where !isNearest(e.entries[k], Foundation.exp(Float80(-k) / 128)) { wrong.append(k) }
        #expect(wrong.isEmpty, "entries not nearest: \(wrong.prefix(10))")
        for k in [1, 2, 3, 128, 4_096, 8_192] {
            let r = Foundation.exp(Float80(-k) / 128)
            #expect(!isNearest(e.entries[k].nextUp, r) && !isNearest(e.entries[k].nextDown, r), "k = \(k)")
        }
        #endif
        // Beyond K the padding is NaN (a misuse shows, and reads stay inside the allocation).
        #expect(e.entries[8_193].isNaN)
    }

    /// e^(−1/128) in double-double against `expl`: the high part is the nearest double and the
    /// low part carries the rest to well below 2⁻⁶⁴.
    @Test func doubleDoubleStep() {
        let step = DoubleDouble.exponential(ofReciprocal: -128)
        #expect(step.hi == Foundation.exp(-1.0 / 128))
        #if arch(x86_64) || arch(i386)
        let r = Foundation.exp(Float80(-1) / 128)
        #expect(abs((Float80(step.hi) + Float80(step.lo)) - r) <= r * 0x1p-62)
        #endif
    }

    /// The benchmark's range, x in [−2, 0], with a step of 1e−5 (200,001 points), and [−64, 0] with a
    /// step of 1/1024 + 1e−9 (not a binary fraction).
    @Test func denseSweeps() {
        check(-2, (0...200_000).map { -Double($0) * 1e-5 })
        check(-64, stride(from: 0.0, through: 63.999, by: 1.0 / 1024 + 1e-9).map { -$0 })
    }

    /// Either side of each rounding boundary x = −(k + ½)/128 of the index, 3 doubles each way, and
    /// x = −k/128 (r = 0), for every k of the [−64, 0] table; the ends of ranges that are not
    /// multiples of 1/128.
    @Test func indexBoundaries() {
        var xs: [Double] = []
        for k in 0..<8_192 {
            let b = -(Double(k) + 0.5) / 128
            var x = b
            for _ in 0..<3 { xs.append(x); x = x.nextDown }
            x = b.nextUp
            for _ in 0..<3 { xs.append(x); x = x.nextUp }
            xs.append(-Double(k) / 128)
        }
        xs += [-0.0, 0, -1e-300, -Double.leastNonzeroMagnitude, -1e-17, -64]
        check(-64, xs)
        for lowest in [-1.2345678901234567, -0.0001, -(0.5 / 128).nextDown, -0.5 / 128, -17.3] {
            check(lowest, [lowest, lowest.nextUp, lowest / 2, 0])
        }
    }

    /// Known values: e⁰ = 1 exactly, e^−½ and e^−2 (PySAL's gaussian(σ=20) at 20 and 40).
    @Test func knownValues() throws {
        let e = try #require(BoundedExponential(lowest: -2))
        #expect(e(0) == 1)
        #expect(e(-0.0) == 1)
        #expect(abs(e(-0.5) - 0.6065306597126334) <= 1e-16)
        #expect(abs(e(-2) - 0.1353352832366127) <= 1e-16)
        // Outside [lowest, 0] the scalar form is libm's, bit for bit.
        for x in [-2.5, -700, 0.5, -Double.infinity, .nan] {
            let reference = Foundation.exp(x)
            #expect(e(x).bitPattern == reference.bitPattern || (e(x).isNaN && reference.isNaN), "x = \(x)")
        }
    }

    /// The table exists only for ranges within [−64, 0].
    @Test func rangesWithoutTable() {
        #expect(BoundedExponential(lowest: -64.001) == nil)
        #expect(BoundedExponential(lowest: -.infinity) == nil)
        #expect(BoundedExponential(lowest: .nan) == nil)
        #expect(BoundedExponential(lowest: 0.5) == nil)
        #expect(BoundedExponential(lowest: 0) != nil)
        #expect(BoundedExponential(lowest: -64) != nil)
    }

    /// ``GaussianWeight``: lanes within the limit get e^(s d²) (against libm); lanes beyond it, NaN
    /// and +∞ are clamped to the limit (finite, e^(s·limit)); a range beyond −64 uses the general
    /// e^x with the same lanes.
    @Test func gaussianWeightClampsLanes() throws {
        let limit = 1.0e8  // 10 km
        let weight = GaussianWeight(sigma: 5_000, detourFactor: 1, squaredLimit: limit)
        let bounded = try #require(weight.bounded)
        #expect(bounded.lowest == -2)
        let inside = SIMD4<Double>(0, 2.5e7, limit.nextDown, limit)
        let w = weight.weights(squaredDistances: inside)
        for lane in 0..<4 {
            let reference = Foundation.exp(inside[lane] * weight.scale)
            #expect(abs(w[lane] - reference) <= reference * Self.libmBound, "lane \(lane)")
        }
        let atLimit = weight.weight(squaredDistance: limit)
        let outside = weight.weights(squaredDistances: SIMD4(limit.nextUp, 4e8, .infinity, .nan))
        for lane in 0..<4 { #expect(outside[lane] == atLimit, "lane \(lane)") }
        // A lane's weight does not depend on its neighbours.
        let mixed = weight.weights(squaredDistances: SIMD4(.nan, 2.5e7, .infinity, 0))
        #expect(mixed[1] == w[1] && mixed[3] == w[0])

        let wide = GaussianWeight(sigma: 500, detourFactor: 1, squaredLimit: limit)  // s·limit = −200
        #expect(wide.bounded == nil)
        let d2 = SIMD4<Double>(0, 1e6, 2.5e7, 5e7)
        #expect(wide.weights(squaredDistances: d2) == (d2 * SIMD4(repeating: wide.scale)).exponential())
    }

    /// The sweep's bound catches an error of 4 ulps (so the sweeps above can fail).
    @Test func sweepDetectsAnError() throws {
        let e = try #require(BoundedExponential(lowest: -2))
        let xs = (0...20_000).map { -Double($0) * 1e-4 }
        let (libm, exact, _) = worst(xs) { e(scaled: $0) * SIMD4(repeating: 1 + 4 * .ulpOfOne) }
        #expect(libm > Self.libmBound)
        #if arch(x86_64) || arch(i386)
        #expect(exact > Self.trueBound)
        #endif
    }
}
