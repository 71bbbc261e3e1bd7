/// A parsed cell: a number, or a value that is missing and why.
///
/// Missing is not zero: an empty cell or a `-` in a table says nothing about the count, and an
/// analysis must decide what to do with it (drop the row, report it, or count it as 0 knowingly).
public enum ParsedNumber<Value: Hashable & Sendable>: Hashable, Sendable {
    /// A number as written.
    case number(Value)
    /// No number: an empty cell or a mark such as `-`, with its meaning.
    case missing(MissingValue)

    /// The number, or nil when the value is missing.
    public var value: Value? {
        if case .number(let value) = self { return value }
        return nil
    }
}

/// A missing value: an empty cell, or a mark that Japanese statistical tables use instead of a number.
public struct MissingValue: Hashable, Sendable, CustomStringConvertible {
    /// What the mark means by the conventions of Japanese official statistics (政府統計).
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        /// An empty cell (or only white space).
        case empty
        /// 該当数字なし: "none". In official tables a dash usually means the count is zero, but the
        /// convention is not universal, so it is reported rather than read as 0.
        case none
        /// 不詳・数値が得られない: not available or unknown.
        case notAvailable
        /// 秘匿: withheld to protect confidentiality (typically a small count).
        case suppressed
    }

    /// What the mark means.
    public let reason: Reason
    /// The mark as written, trimmed; empty for an empty cell.
    public let mark: String

    public var description: String {
        switch reason {
        case .empty: return "empty"
        case .none: return "\"\(mark)\" (none, 該当なし)"
        case .notAvailable: return "\"\(mark)\" (not available, 不詳)"
        case .suppressed: return "\"\(mark)\" (suppressed, 秘匿)"
        }
    }
}

/// Numbers as people type them in Japanese spreadsheets and hospital exports.
///
/// Accepted, after trimming white space (including the ideographic space U+3000):
/// - digits, ASCII or full-width (`１２３`);
/// - thousands separators `,` or `，`, in groups of exactly three (`1,234`, `1,234,567`); `12,34` is
///   refused because it is more likely a decimal comma than a count;
/// - a decimal point `.` or `．`, with digits on at least one side (`12.5`, `.5`, `5.`);
/// - a leading sign: `+` `＋`, or for negatives `-`, `－` (U+FF0D, CP932's minus), `−` (U+2212, the
///   JIS minus) and `△` `▲` (the negative marks of Japanese accounting tables);
/// - for measures only, an exponent (`1.5e3`, `1E-4`).
///
/// Missing, not an error (see ``MissingValue``): an empty cell; the dashes `-` `－` `−` `‐` `–` `—`
/// `―` `ー` `ｰ` alone (none); `…` `‥` `...` `・・・` `NA` `N/A` `n/a` `#N/A` `不詳` `不明` (not
/// available); `x` `X` `ｘ` `Ｘ` `χ` `*` `＊` `**` `***` `秘匿` (suppressed).
///
/// Refused with a message that says why: anything else, a `%` sign, and Excel error values
/// (`#DIV/0!`, `#VALUE!`).
///
/// Thread safety: stateless.
public enum NumberParsing {
    /// A count: a whole number ≥ 0, as in `patients` or `beds`.
    ///
    /// `3.0` is accepted as 3 (Excel writes whole numbers that way after arithmetic); `12.5`, `-3`
    /// and numbers in scientific notation are refused: "count must be a whole number ≥ 0, got -3".
    ///
    /// - Throws: ``TabularError`` `.invalidNumber` when the text is not a number, `.invalidCount`
    ///   when it is a number but not a count.
    public static func parseCount(_ text: String) throws(TabularError) -> ParsedNumber<Int> {
        if let fast = plainDigits(text) { return .number(fast) }
        let number: Number
        switch try scan(text) {
        case .missing(let missing): return .missing(missing)
        case .number(let scanned): number = scanned
        }
        let shown = number.trimmed
        guard !number.hasExponent else {
            throw TabularError(
                .invalidCount,
                "count must be a whole number ≥ 0, got \(shown)",
                fix: "scientific notation may have lost digits: format the column as a number in Excel and save again"
            )
        }
        let fractionIsZero = number.fraction.allSatisfy { $0 == UInt8(ascii: "0") }
        let integerIsZero = number.integer.allSatisfy { $0 == UInt8(ascii: "0") }
        guard fractionIsZero, !number.negative || integerIsZero else {
            throw TabularError(.invalidCount, "count must be a whole number ≥ 0, got \(shown)")
        }
        var value = 0
        for digit in number.integer {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else {
                throw TabularError(.invalidCount, "count must be a whole number ≥ 0, got \(shown), which is too large")
            }
            value = sum
        }
        return .number(value)
    }

    /// A measure: any finite real number, as in an area, a distance or a share.
    ///
    /// - Throws: ``TabularError`` `.invalidNumber`.
    public static func parseMeasure(_ text: String) throws(TabularError) -> ParsedNumber<Double> {
        if let fast = plainDigits(text) { return .number(Double(fast)) }
        let number: Number
        switch try scan(text) {
        case .missing(let missing): return .missing(missing)
        case .number(let scanned): number = scanned
        }
        var ascii = number.negative ? "-" : ""
        ascii += String(decoding: number.integer.isEmpty ? [UInt8(ascii: "0")] : number.integer, as: UTF8.self)
        if !number.fraction.isEmpty { ascii += "." + String(decoding: number.fraction, as: UTF8.self) }
        if number.hasExponent { ascii += "e" + String(decoding: number.exponent, as: UTF8.self) }
        guard let value = Double(ascii), value.isFinite else {
            throw TabularError(.invalidNumber, "\"\(number.trimmed)\" is too large to be a number")
        }
        return .number(value == 0 ? 0 : value)  // no -0
    }

    /// The marks read as missing, with their meaning.
    public static let missingMarks: [String: MissingValue.Reason] = {
        var marks: [String: MissingValue.Reason] = [:]
        for mark in ["-", "－", "−", "‐", "‑", "–", "—", "―", "ー", "ｰ"] { marks[mark] = MissingValue.Reason.none }
        for mark in ["…", "‥", "...", "・・・", "NA", "N/A", "n/a", "#N/A", "不詳", "不明"] { marks[mark] = .notAvailable }
        for mark in ["x", "X", "ｘ", "Ｘ", "χ", "*", "＊", "**", "***", "秘匿"] { marks[mark] = .suppressed }
        return marks
    }()

    // MARK: - Scanning

    /// A number split into parts, digits as ASCII bytes.
    private struct Number {
        var trimmed: String
        var negative = false
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var hasExponent = false
        /// The exponent with its sign, e.g. "-4".
        var exponent: [UInt8] = []
    }

    private enum Scanned {
        case number(Number)
        case missing(MissingValue)
    }

    /// Up to 18 ASCII digits and nothing else: the common case, parsed without allocating.
    private static func plainDigits(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 18 else { return nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func scan(_ text: String) throws(TabularError) -> Scanned {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return .missing(MissingValue(reason: .empty, mark: "")) }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        let shown = String(trimmed)
        if let reason = missingMarks[shown] { return .missing(MissingValue(reason: reason, mark: shown)) }
        if shown.hasPrefix("#") {
            throw TabularError(
                .invalidNumber,
                "\"\(shown)\" is an Excel error value, not a number", fix: "fix the formula in the workbook, or clear the cell")
        }

        // Map every character to an ASCII token; anything unknown makes the text not a number.
        var tokens: [UInt8] = []
        tokens.reserveCapacity(scalars.count)
        for scalar in scalars[first...last] {
            let value = scalar.value
            switch value {
            case 0x30...0x39: tokens.append(UInt8(value))
            case 0xFF10...0xFF19: tokens.append(UInt8(value - 0xFF10 + 0x30))
            case 0x2C, 0xFF0C: tokens.append(UInt8(ascii: ","))
            case 0x2E, 0xFF0E: tokens.append(UInt8(ascii: "."))
            case 0x2D, 0xFF0D, 0x2212, 0x25B3, 0x25B2: tokens.append(UInt8(ascii: "-"))
            case 0x2B, 0xFF0B: tokens.append(UInt8(ascii: "+"))
            case 0x65, 0x45, 0xFF45, 0xFF25: tokens.append(UInt8(ascii: "e"))
            case 0x25, 0xFF05: tokens.append(UInt8(ascii: "%"))
            default: throw notANumber(shown)
            }
        }
        if tokens.last == UInt8(ascii: "%") {
            throw TabularError(
                .invalidNumber, "\"\(shown)\" is not a number", fix: "remove the % sign (a share of 12.5% is written 0.125)")
        }

        var number = Number(trimmed: shown)
        var index = 0
        func peek() -> UInt8? { index < tokens.count ? tokens[index] : nil }
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

        if peek() == UInt8(ascii: "-") || peek() == UInt8(ascii: "+") {
            number.negative = peek() == UInt8(ascii: "-")
            index += 1
        }
        // Integer part, with or without thousands separators.
        var groupLength = 0
        var sawSeparator = false
        while let byte = peek(), isDigit(byte) || byte == UInt8(ascii: ",") {
            if byte == UInt8(ascii: ",") {
                guard groupLength > 0, !sawSeparator || groupLength == 3, sawSeparator || groupLength <= 3 else {
                    throw misplacedSeparator(shown)
                }
                sawSeparator = true
                groupLength = 0
            } else {
                number.integer.append(byte)
                groupLength += 1
            }
            index += 1
        }
        if sawSeparator && groupLength != 3 { throw misplacedSeparator(shown) }
        // Fraction.
        if peek() == UInt8(ascii: ".") {
            index += 1
            while let byte = peek(), isDigit(byte) {
                number.fraction.append(byte)
                index += 1
            }
        }
        guard !number.integer.isEmpty || !number.fraction.isEmpty else { throw notANumber(shown) }
        // Exponent.
        if peek() == UInt8(ascii: "e") {
            index += 1
            number.hasExponent = true
            if let sign = peek(), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                number.exponent.append(sign)
                index += 1
            }
            guard isDigit(peek()) else { throw notANumber(shown) }
            while let byte = peek(), isDigit(byte) {
                number.exponent.append(byte)
                index += 1
            }
        }
        guard index == tokens.count else { throw notANumber(shown) }
        return .number(number)
    }

    private static func notANumber(_ shown: String) -> TabularError {
        TabularError(.invalidNumber, "\"\(shown)\" is not a number")
    }

    private static func misplacedSeparator(_ shown: String) -> TabularError {
        TabularError(
            .invalidNumber,
            "\"\(shown)\" is not a number: a thousands separator must be followed by exactly 3 digits",
            fix: "write decimals with a point (12.5), not a comma"
        )
    }
}
