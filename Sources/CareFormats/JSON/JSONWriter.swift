import Foundation

/// Raised when a value cannot be written as JSON: JSON has no NaN or infinity.
public struct JSONEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the offending value sits.
    public let path: JSONPath
    /// The offending number.
    public let value: Double

    public var description: String {
        "\(path): cannot write \(value) as JSON: JSON has no NaN or infinity; replace it with null or a finite number"
    }
}

extension JSONValue {
    /// Compact JSON text (no whitespace) with object keys sorted by UTF-8 byte order.
    ///
    /// Formatting policy, fixed so that output is byte-for-byte reproducible:
    /// - a number that is a whole number with magnitude below 2^53 is written as an integer
    ///   (`3`, `-12`; `-0` is written `0`); any other number in the shortest form that reads back to
    ///   the same `Double` (`0.1`, `1e+300`, `1.5e-07`);
    /// - strings escape `"` and `\`, and control characters (`\b \f \n \r \t`, others as
    ///   `\u00XX`); everything else, Japanese included, is written as UTF-8;
    /// - `/` is not escaped.
    ///
    /// - Throws: ``JSONEncodingError`` naming the path of a NaN or infinite number.
    public func jsonString() throws(JSONEncodingError) -> String {
        String(decoding: try jsonBytes(), as: UTF8.self)
    }

    /// ``jsonString()`` as UTF-8 data.
    public func jsonData() throws(JSONEncodingError) -> Data {
        Data(try jsonBytes())
    }

    /// ``jsonString()`` as UTF-8 bytes.
    public func jsonBytes() throws(JSONEncodingError) -> [UInt8] {
        var writer = JSONWriter(nonFinite: .reject)
        try writer.write(self)
        return writer.bytes
    }
}

/// Appends compact JSON to a byte buffer. Internal: the public surface is ``JSONValue/jsonString()``;
/// the GeoJSON writer uses it directly to lay out features one per line.
struct JSONWriter {
    enum NonFinitePolicy {
        /// Throw ``JSONEncodingError``.
        case reject
        /// Write `NaN`, `Infinity`, `-Infinity` (for `description` only; not JSON).
        case debugToken
    }

    var bytes: [UInt8] = []
    let nonFinite: NonFinitePolicy
    private var path: [JSONPath.Component] = []

    init(nonFinite: NonFinitePolicy) {
        self.nonFinite = nonFinite
    }

    mutating func write(_ value: JSONValue) throws(JSONEncodingError) {
        switch value {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let b):
            bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d):
            try writeNumber(d)
        case .string(let s):
            JSONWriter.appendQuoted(s, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                path.append(.index(i))
                try write(element)
                path.removeLast()
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            let order = object.keys.indices.sorted {
                object.keys[$0].utf8.lexicographicallyPrecedes(object.keys[$1].utf8)
            }
            for (n, i) in order.enumerated() {
                if n > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONWriter.appendQuoted(object.keys[i], to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                path.append(.key(object.keys[i]))
                try write(object.values[i])
                path.removeLast()
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeNumber(_ d: Double) throws(JSONEncodingError) {
        if let text = JSONWriter.format(d) {
            bytes.append(contentsOf: text.utf8)
            return
        }
        switch nonFinite {
        case .reject:
            throw JSONEncodingError(path: JSONPath(path), value: d)
        case .debugToken:
            bytes.append(contentsOf: (d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity").utf8)
        }
    }

    /// 2^53: below it every whole `Double` is an exact integer.
    static let maxSafeInteger = 9_007_199_254_740_992.0

    static func isSafeInteger(_ d: Double) -> Bool {
        d.isFinite && d.rounded(.towardZero) == d && abs(d) < maxSafeInteger
    }

    /// The number as JSON text under the fixed policy of ``JSONValue/jsonString()``, or nil when it
    /// is not finite.
    static func format(_ d: Double) -> String? {
        guard d.isFinite else { return nil }
        if isSafeInteger(d) { return String(Int64(d)) }
        // Swift's description is the shortest text that reads back to the same Double (and it is
        // valid JSON: `1e+300`, `5e-324`, `0.1`).
        return d.description
    }

    /// Writes `s` as a quoted JSON string.
    static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hex[Int(b >> 4)], hex[Int(b & 0xF)],
                ])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `d` rounded to `decimals` places (half away from zero, after scaling by 10^decimals),
    /// with trailing zeros and a bare decimal point removed: `139.76360004` with 7 decimals is
    /// `139.7636`, `140.00000001` is `140`. Used for coordinates, where a fixed precision makes
    /// output stable and diffs small.
    ///
    /// Values too large for the scaled result to be an exact integer (beyond 2^53 / 10^decimals)
    /// fall back to ``format(_:)`` of the unrounded value. `d` must be finite.
    static func appendFixed(_ d: Double, decimals: Int, to bytes: inout [UInt8]) {
        let scale = powersOfTen[decimals]
        let scaled = (d * scale).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < maxSafeInteger else {
            bytes.append(contentsOf: (format(d) ?? "null").utf8)
            return
        }
        var n = Int64(scaled)
        if n < 0 {
            bytes.append(UInt8(ascii: "-"))
            n = -n
        }
        let divisor = Int64(scale)
        let whole = n / divisor
        var fraction = n % divisor
        bytes.append(contentsOf: String(whole).utf8)
        guard fraction != 0 else { return }
        var digits = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        let text = String(fraction)
        for _ in 0..<(digits - text.utf8.count) { bytes.append(UInt8(ascii: "0")) }
        bytes.append(contentsOf: text.utf8)
    }

    /// 10^0 … 10^15, exact in `Double`.
    static let powersOfTen: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ]
}
