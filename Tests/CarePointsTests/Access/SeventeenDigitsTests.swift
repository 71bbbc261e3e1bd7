@testable import CarePoints
import Foundation
import Testing
import TestSupport

/// The `%.17g` writer of the scores files (``SeventeenDigits``) against glibc's `snprintf`, byte
/// for byte, on a million doubles: random bit patterns (every exponent, both signs, NaN, ∞,
/// subnormals), doubles of every decimal magnitude from 1e−9 to 1e17, scores as the analyses give
/// them, exact ties at the 18th digit (dyadic values such as n/4 near 10^15, where `%.17g` rounds
/// half to even), and the neighbours of every power of ten (where the exponent changes on rounding).
@Suite struct SeventeenDigitsTests {
    static func fast(_ value: Double) -> String {
        var bytes: [UInt8] = []
        SeventeenDigits.append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func c(_ value: Double) -> String {
        if value.isNaN { return "nan" }  // glibc writes "-nan" for a negative NaN; the scores files say "nan"
        var buffer = [CChar](repeating: 0, count: 40)
        let length = withVaList([value]) { vsnprintf(&buffer, 40, "%.17g", $0) }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Compares every value and counts how many took the fast path.
    static func expectSameAsC(_ values: [Double]) -> Int {
        var fastCount = 0
        var mismatches = 0
        for value in values {
            if SeventeenDigits.fastDigits(value) != nil { fastCount += 1 }
            let ours = fast(value), theirs = c(value)
            if ours != theirs {
                mismatches += 1
                if mismatches <= 10 { Issue.record("\(value.bitPattern): \(ours) vs snprintf \(theirs)") }
            }
        }
        #expect(mismatches == 0)
        return fastCount
    }

    @Test func randomBitPatterns() {
        var random = SplitMix64(state: 17)
        let values = (0..<300_000).map { _ in Double(bitPattern: random.next()) }
        _ = Self.expectSameAsC(values)
    }

    @Test func everyDecimalMagnitude() {
        var random = SplitMix64(state: 2003)
        let values = (0..<400_000).map { _ -> Double in
            let exponent = Int(random.next() % 90) - 30  // 2^-30 … 2^59
            let significand = 1 + Double(random.next() >> 11) / 9_007_199_254_740_992
            return Double(sign: random.next() & 1 == 0 ? .plus : .minus, exponent: exponent, significand: significand)
        }
        #expect(Self.expectSameAsC(values) > 300_000)
    }

    @Test func scoresAndTies() {
        var random = SplitMix64(state: 2009)
        var values = (0..<200_000).map { _ in Double(random.next() % 100_000_000) / 1e10 }  // scores, 0 … 0.01
        for _ in 0..<25_000 {
            let n = Double(random.next() % (1 << 53))
            // n/4 ≥ 10^15 has 16 integer digits and .25/.5/.75: its 18th digit is an exact 5 half the time.
            values += [n, n / 2, n / 4, n / 8, n / 1024, n / 4 + 0.25]
        }
        #expect(Self.fast(1_234_567_890_123_456.25) == "1234567890123456.2")  // tie, to even
        #expect(Self.fast(1_234_567_890_123_456.75) == "1234567890123456.8")  // tie, to even
        #expect(Self.fast(0.0047288655267054523) == "0.0047288655267054523")
        #expect(Self.fast(1e-5) == "1.0000000000000001e-05")
        #expect(Self.fast(0.5) == "0.5")
        #expect(Self.fast(-0.0) == "-0" && Self.fast(.nan) == "nan" && Self.fast(-.infinity) == "-inf")
        #expect(Self.expectSameAsC(values) > 200_000)
    }

    @Test func neighboursOfPowersOfTen() {
        var values: [Double] = [0, -0, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
                                .greatestFiniteMagnitude, 9_007_199_254_740_991, 9_007_199_254_740_992]
        for k in -30...30 {
            let power = (0..<abs(k)).reduce(1.0) { p, _ in k < 0 ? p / 10 : p * 10 }
            var up = power, down = power
            for _ in 0..<200 {
                values += [up, -up, down]
                up = up.nextUp
                down = down.nextDown
            }
            values += [power * 0.99999999999999999, power * 9.99999999999999999]
        }
        _ = Self.expectSameAsC(values)
    }
}
