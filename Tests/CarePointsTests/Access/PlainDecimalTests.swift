@testable import CarePoints
import Testing
import TestSupport

/// The CSV fast path's number reader (``AccessInput/plainDecimal(_:)``, Clinger's fast path)
/// against `Double(String)` bit for bit: random plain decimals of every length (leading zeros,
/// up to 25 digits on each side of the point, both signs), and the edges — 2⁵³ and its
/// neighbours, 19 and 20 significant digits, 22 and 23 fraction digits, halfway cases, −0,
/// overflow and underflow — and everything that is not a plain decimal is refused.
@Suite struct PlainDecimalTests {
    static func parse(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { AccessInput.plainDecimal($0) }
    }

    static func expectSameAsSwift(_ text: String) {
        let expected = Double(text).flatMap { $0.isFinite ? $0 : nil }
        let actual = parse(text)
        #expect(actual?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: actual)) vs \(String(describing: expected))")
    }

    @Test func randomDecimalsAsDoubleString() {
        var random = SplitMix64(state: 1990)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(random.next() % 10)) }) }
        for _ in 0..<200_000 {
            let sign = random.next() % 3 == 0 ? "-" : ""
            let integer = digits(1 + Int(random.next() % 25))
            let fraction = random.next() % 4 == 0 ? "" : "." + digits(1 + Int(random.next() % 25))
            Self.expectSameAsSwift(sign + integer + fraction)
        }
        // Coordinates as files hold them: 2 decimals, ±50 km.
        for _ in 0..<100_000 {
            let cents = Int(random.next() % 10_000_000) - 5_000_000
            let text = (cents < 0 ? "-" : "") + "\(abs(cents) / 100)." + String(String(abs(cents) % 100 + 100).dropFirst())
            Self.expectSameAsSwift(text)
        }
    }

    @Test func edgesAsDoubleString() {
        let edges = [
            "0", "-0", "0.0", "-0.0", "00", "007.50", "1", "0.1", "0.2", "0.3", "-12.5",
            "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
            "9007199254740992.0", "900719925474099.3", "90071992547409.93", "18014398509481985",
            "1234567890123456789", "12345678901234567890", "0.0000000000000000000001", "0.00000000000000000000001",
            "1.0000000000000000000001", "123456.0000000000000000000001",
            "4503599627370496.5", "4503599627370497.5", "2.2250738585072011", "0." + String(repeating: "0", count: 330) + "1",
            String(repeating: "9", count: 309), "1" + String(repeating: "0", count: 308), "17976931348623157" + String(repeating: "0", count: 292),
            "0.30000000000000004", "",
        ]
        for text in edges { Self.expectSameAsSwift(text) }
    }

    @Test func refusesWhatIsNotAPlainDecimal() {
        for text in ["", "-", ".", "1.", ".5", "+1", "1e5", "1E5", "0x10", "1,5", " 1", "1 ", "--1", "1.2.3", "nan", "inf", "１",
                     "1" + String(repeating: "0", count: 400)] {
            #expect(Self.parse(text) == nil, "\(text)")
        }
    }
}
