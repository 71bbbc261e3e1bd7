import Foundation

/// C's `printf("%.17g", x)` without the C library on the common path: the same bytes as glibc's
/// `snprintf`, an order of magnitude faster (no varargs, no multi-precision digits).
///
/// %.17g writes the exact binary value x = m · 2^e rounded to 17 significant decimal digits, ties
/// to even (glibc rounds the exact expansion in the current rounding mode, round-to-nearest here),
/// with trailing zeros and a bare point removed; in fixed notation when the decimal exponent X of
/// the rounded value is in −4 ≤ X < 17, else as `d.ddde±XX`.
///
/// The fast path takes normal doubles with 1e−6 ≲ |x| < 2^53 (every score of a catchment
/// analysis in practice): with k = 16 − X ∈ 0…22, m · 10^k < 2^53 · 10^22 < 2^127 is an exact
/// 128-bit product, and shifting it right by −e gives the 17-digit quotient and the exact
/// remainder, so rounding, ties included, is exact. Everything else (0, subnormals, integers
/// ≥ 2^53, tiny values, NaN, ∞) goes to `vsnprintf`.
enum SeventeenDigits {
    /// 10^0 … 10^22, exact.
    private static let powersOfTen: [UInt128] = (0...22).map { k in (0..<k).reduce(UInt128(1)) { p, _ in p * 10 } }
    private static let low17: UInt64 = 100_000_000_000_000_000  // 10^17
    private static let low16: UInt64 = 10_000_000_000_000_000  // 10^16

    /// Appends the bytes of `%.17g` of `value` (what glibc's `snprintf` writes, `nan`/`inf` included).
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        guard let (digits, exponent) = fastDigits(value) else { return appendC(value, to: &bytes) }
        if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        // The 17 digits, most significant first, and how many remain after dropping trailing zeros.
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var significant = 17
        withUnsafeMutableBytes(of: &text) { raw in
            var q = digits
            var k = 16
            var trailing = true
            while k >= 0 {
                let d = q % 10
                q /= 10
                if trailing && d == 0 { significant -= 1 } else { trailing = false }
                raw[k] = UInt8(truncatingIfNeeded: d) + UInt8(ascii: "0")
                k -= 1
            }
            let d = raw.bindMemory(to: UInt8.self)
            if exponent < -4 {
                // d.ddd e-XX (X is −5 or −6 on the fast path).
                bytes.append(d[0])
                if significant > 1 {
                    bytes.append(UInt8(ascii: "."))
                    bytes.append(contentsOf: d[1..<significant])
                }
                bytes.append(contentsOf: [UInt8(ascii: "e"), UInt8(ascii: "-"), UInt8(ascii: "0"), UInt8(ascii: "0") + UInt8(-exponent)])
            } else if exponent >= 0 {
                let integerDigits = exponent + 1
                bytes.append(contentsOf: d[0..<integerDigits])
                if significant > integerDigits {
                    bytes.append(UInt8(ascii: "."))
                    bytes.append(contentsOf: d[integerDigits..<significant])
                }
            } else {
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "."))
                for _ in 0..<(-exponent - 1) { bytes.append(UInt8(ascii: "0")) }
                bytes.append(contentsOf: d[0..<significant])
            }
        }
    }

    /// The 17 significant digits of |value| as an integer in [10^16, 10^17), correctly rounded
    /// (ties to even), and the decimal exponent X of the rounded value; nil off the fast path.
    static func fastDigits(_ value: Double) -> (digits: UInt64, exponent: Int)? {
        guard value.isNormal else { return nil }
        let binaryExponent = Int(value.exponent) - 52  // |value| = m · 2^binaryExponent
        guard binaryExponent < 0 else { return nil }
        let shift = -binaryExponent
        let m = UInt128(value.significandBitPattern | (1 << 52))
        // X ≈ floor(log10 |value|), possibly one off; corrected below.
        var k = 16 - Int((Double(value.exponent) * 0.30102999566398120).rounded(.down))
        for _ in 0..<3 {
            guard k >= 0, k <= 22 else { return nil }
            let product = m * powersOfTen[k]
            guard shift < 128 else { return nil }
            let quotient = product >> shift
            if quotient >= UInt128(low17) {
                k -= 1
                continue
            }
            if quotient < UInt128(low16) {
                k += 1
                continue
            }
            var digits = UInt64(quotient)
            let remainder = product & ((UInt128(1) << shift) - 1)
            let half = UInt128(1) << (shift - 1)
            if remainder > half || (remainder == half && digits & 1 == 1) { digits += 1 }
            var exponent = 16 - k
            if digits == low17 {
                digits = low16
                exponent += 1
            }
            return (digits, exponent)
        }
        return nil
    }

    /// C's `vsnprintf` with `%.17g`, `nan` for any NaN (glibc writes `-nan` for a negative one).
    static func appendC(_ value: Double, to bytes: inout [UInt8]) {
        if value.isNaN { return bytes.append(contentsOf: "nan".utf8) }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            let length = withVaList([value]) { vsnprintf(buffer.baseAddress, 32, "%.17g", $0) }
            buffer.withMemoryRebound(to: UInt8.self) { bytes.append(contentsOf: $0.prefix(Int(length))) }
        }
    }
}
