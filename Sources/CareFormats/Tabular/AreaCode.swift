/// Japanese area codes as they arrive from spreadsheets, normalised to one canonical form.
///
/// Two kinds of code:
/// - **municipality**: 全国地方公共団体コード (JIS X 0402), the 5-digit code without check digit
///   used as `N03_007` in 国土数値情報 (`13105` 文京区). Prefecture (2 digits) + municipality
///   (3 digits: `000` the prefecture itself, `1xx` designated cities and their wards and Tokyo's
///   special wards, `2xx` cities, `3xx`–`7xx` towns and villages; `001`–`099` are never used).
///   The 6-digit form adds a check digit (`131059`).
/// - **small area**: the `KEY_CODE` of a 2020 Census small area (町丁・字等, e-Stat): 9 digits when
///   the area has no 丁目 level, 11 otherwise; its first 5 digits are the municipality code.
///
/// Normalisation, in order: white space (including U+3000) is trimmed; full-width digits become
/// ASCII; Excel's float form loses its zero fraction (`13105.0` → `13105`); a value that lost its
/// leading zero in Excel is padded (`1101` → `01101`, a 10-digit KEY_CODE → 11 digits); a 6-digit
/// code has its check digit verified and removed (`131059` → `13105`). The prefecture must be
/// 01–47 and the municipality part not 001–099.
///
/// A 5-digit value is read as a 5-digit code. When a column holds 6-digit codes, some of which lost
/// their leading zero (`011002` 札幌市 saved as `11002`), pass `width: 6`: every value is then
/// padded to 6 digits before its check digit is verified.
///
/// Check digit (総務省「全国地方公共団体コード」; the 6th digit): for the digits d1…d5,
/// S = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5, and the check digit is the last digit of 11 − (S mod 11).
/// Verified on 131016 千代田区, 131024 中央区, 131032 港区, 131041 新宿区, 131059 文京区,
/// 131067 台東区, 011002 札幌市, 011011 札幌市中央区, 132012 八王子市, 141003 横浜市 and
/// 131130 渋谷区 (the case S mod 11 = 1).
///
/// Thread safety: stateless.
public enum AreaCode {
    /// Which codes to accept.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// 5 digits, or 6 with the check digit; normalised to 5.
        case municipality
        /// A census small-area KEY_CODE of 9 or 11 digits.
        case smallArea
        /// Either, told apart by the number of digits (4–6 municipality, 8–11 small area).
        case any
    }

    /// The canonical form of a code: 5 digits for a municipality, 9 or 11 for a small area.
    ///
    /// - Parameters:
    ///   - raw: the text as found in the file.
    ///   - kind: which codes to accept.
    ///   - width: the number of digits the column's codes had when written (5 or 6 for
    ///     municipalities, 9 or 11 for small areas), when known; shorter values are left-padded with
    ///     zeros to it. Nil: padding is inferred from the length (4 → 5, 8 → 9, 10 → 11).
    /// - Throws: ``TabularError`` `.emptyValue`, `.invalidAreaCode`, or `.wrongCheckDigit(expected:)`
    ///   whose message gives the right check digit.
    public static func normalize(_ raw: String, kind: Kind = .municipality, width: Int? = nil) throws(TabularError)
        -> String
    {
        let shown = trimmed(raw)
        guard !shown.isEmpty else { throw TabularError(.emptyValue, "area code is empty") }
        guard var digits = asciiDigits(shown) else {
            throw TabularError(.invalidAreaCode, "\"\(shown)\" is not an area code", fix: expectation(kind))
        }
        let original = digits

        let length: Int
        if let width {
            switch (kind, width) {
            case (.municipality, 5), (.municipality, 6), (.smallArea, 9), (.smallArea, 11), (.any, 5), (.any, 6),
                (.any, 9), (.any, 11):
                break
            default:
                preconditionFailure("width \(width) is not a width of \(kind.rawValue) codes")
            }
            guard digits.count <= width else {
                throw TabularError(
                    .invalidAreaCode,
                    "\"\(shown)\" has \(digits.count) digits, more than the \(width) of this column's codes")
            }
            length = width
        } else {
            switch (kind, digits.count) {
            case (.municipality, 4), (.any, 4): length = 5
            case (.municipality, 5), (.any, 5): length = 5
            case (.municipality, 6), (.any, 6): length = 6
            case (.smallArea, 8), (.any, 8): length = 9
            case (.smallArea, 9), (.any, 9): length = 9
            case (.smallArea, 10), (.any, 10): length = 11
            case (.smallArea, 11), (.any, 11): length = 11
            default:
                throw TabularError(
                    .invalidAreaCode, "\"\(shown)\" has \(digits.count == 1 ? "1 digit" : "\(digits.count) digits")",
                    fix: expectation(kind))
            }
        }
        digits = String(repeating: "0", count: length - digits.count) + digits
        let readAs = digits == original ? "" : " (read as \(digits))"

        let municipality = String(digits.prefix(5))
        let prefecture = Int(municipality.prefix(2))!
        guard (1...47).contains(prefecture) else {
            throw TabularError(
                .invalidAreaCode,
                "\"\(shown)\"\(readAs) is not an area code: its first two digits (the prefecture) must be 01 to 47, not \(municipality.prefix(2))"
            )
        }
        let part = Int(municipality.suffix(3))!
        if (1...99).contains(part) {
            var fix: String?
            if length == 5, width == nil, checkDigit(for: "0" + municipality.prefix(4)) == Int(municipality.suffix(1)) {
                fix =
                    "if the column holds 6-digit codes with check digit whose leading zero was lost, read it with width 6 (it would be 0\(municipality), that is 0\(municipality.prefix(4)))"
            }
            throw TabularError(
                .invalidAreaCode,
                "\"\(shown)\"\(readAs) is not an area code: no municipality has \(municipality.suffix(3)) after the two prefecture digits",
                fix: fix)
        }

        if length == 6 {
            let expected = checkDigit(for: municipality)!
            let given = Int(digits.suffix(1))!
            guard given == expected else {
                throw TabularError(
                    .wrongCheckDigit(expected: expected),
                    "check digit of \"\(shown)\"\(readAs) is wrong: the check digit of \(municipality) is \(expected) (\(municipality)\(expected)), not \(given)",
                    fix: "check the code for a typo"
                )
            }
            return municipality
        }
        return digits
    }

    /// The check digit of a 5-digit municipality code (`13105` → 9), or nil when `code` is not
    /// 5 ASCII digits.
    public static func checkDigit(for code: String) -> Int? {
        let digits = code.utf8.map { Int($0) - 0x30 }
        guard digits.count == 5, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        let sum = zip(digits, [6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 }
        return (11 - sum % 11) % 10
    }

    /// The 2-digit prefecture code of a normalised code (`13105` → `13`).
    public static func prefectureCode(of code: String) -> String {
        String(code.prefix(2))
    }

    // MARK: - Helpers

    /// `text` without leading and trailing white space (Unicode White_Space, which includes the
    /// ideographic space U+3000 and the no-break space).
    private static func trimmed(_ text: String) -> String { TextCleaning.trimmed(text) }

    private static func expectation(_ kind: Kind) -> String {
        switch kind {
        case .municipality:
            return "a municipality code has 5 digits (13105) or 6 with the check digit (131059)"
        case .smallArea:
            return "a census small-area KEY_CODE has 9 or 11 digits (131050010, 13101001001)"
        case .any:
            return "an area code has 5 digits (13105), 6 with the check digit (131059), or 9 or 11 for a census small area (13101001001)"
        }
    }

    /// ASCII digits from ASCII or full-width digits, with an Excel zero fraction (`.0`) removed;
    /// nil when anything else is present.
    private static func asciiDigits(_ text: String) -> String? {
        var digits = ""
        var fraction: String?
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let ascii: Unicode.Scalar
            switch value {
            case 0x30...0x39: ascii = scalar
            case 0xFF10...0xFF19: ascii = Unicode.Scalar(value - 0xFF10 + 0x30)!
            case 0x2E, 0xFF0E:
                guard fraction == nil, !digits.isEmpty else { return nil }
                fraction = ""
                continue
            default: return nil
            }
            if fraction != nil { fraction!.unicodeScalars.append(ascii) } else { digits.unicodeScalars.append(ascii) }
        }
        if let fraction, fraction.isEmpty || fraction.contains(where: { $0 != "0" }) { return nil }
        return digits
    }
}
