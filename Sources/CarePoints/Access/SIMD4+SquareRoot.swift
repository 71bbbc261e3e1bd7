#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

extension SIMD4 where Scalar == Double {
    /// √x of four Doubles, each correctly rounded (IEEE 754), as two `sqrtpd` on x86-64.
    ///
    /// `Double.squareRoot()` on Linux keeps C's `errno` convention (a compare and a branch to
    /// libm's `sqrt` per lane for negative inputs), so the lane-wise `SIMD4.squareRoot()` is four
    /// scalar square roots with branches; this one is the packed instruction. Negative lanes
    /// give NaN in both. Elsewhere the lane-wise square root (also correctly rounded).
    @inline(__always)
    func packedSquareRoot() -> SIMD4<Double> {
        #if arch(x86_64)
        SIMD4(lowHalf: _mm_sqrt_pd(lowHalf), highHalf: _mm_sqrt_pd(highHalf))
        #else
        squareRoot()
        #endif
    }
}
