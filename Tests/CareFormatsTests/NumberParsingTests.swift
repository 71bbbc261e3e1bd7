import Testing

@testable import CareFormats

@Suite("Number parsing")
struct NumberParsingTests {
    @Test(arguments: [
        ("0", 0), ("12", 12), ("1,234", 1234), ("1,234,567", 1_234_567), ("１２３", 123), ("１，２３４", 1234),
        (" 42 ", 42), ("\u{3000}7\u{3000}", 7), ("\t8\r\n", 8), ("3.0", 3), ("３．００", 3), ("+5", 5), ("＋5", 5),
        ("-0", 0), ("0012", 12), ("999999999999999999", 999_999_999_999_999_999),
    ])
    func counts(_ text: String, _ expected: Int) throws {
        #expect(try NumberParsing.parseCount(text) == .number(expected))
    }

    @Test(arguments: [
        ("", MissingValue.Reason.empty, ""), ("   ", .empty, ""), ("\u{3000}", .empty, ""),
        ("-", .none, "-"), (" － ", .none, "－"), ("−", .none, "−"), ("—", .none, "—"), ("―", .none, "―"), ("ー", .none, "ー"),
        ("…", .notAvailable, "…"), ("...", .notAvailable, "..."), ("NA", .notAvailable, "NA"), ("#N/A", .notAvailable, "#N/A"),
        ("不詳", .notAvailable, "不詳"),
        ("x", .suppressed, "x"), ("Ｘ", .suppressed, "Ｘ"), ("*", .suppressed, "*"), ("***", .suppressed, "***"),
        ("秘匿", .suppressed, "秘匿"),
    ])
    func missingValues(_ text: String, _ reason: MissingValue.Reason, _ mark: String) throws {
        let missing = ParsedNumber<Int>.missing(MissingValue(reason: reason, mark: mark))
        #expect(try NumberParsing.parseCount(text) == missing)
        #expect(try NumberParsing.parseCount(text).value == nil)
        #expect(try NumberParsing.parseMeasure(text) == .missing(MissingValue(reason: reason, mark: mark)))
    }

    @Test func missingIsNotZero() throws {
        #expect(try NumberParsing.parseCount("") != .number(0))
        #expect(try NumberParsing.parseCount("0").value == 0)
    }

    @Test(arguments: [
        ("-3", TabularError.Kind.invalidCount, "count must be a whole number ≥ 0, got -3"),
        ("－３", .invalidCount, "count must be a whole number ≥ 0, got －３"),
        ("△2", .invalidCount, "count must be a whole number ≥ 0, got △2"),
        ("12.5", .invalidCount, "count must be a whole number ≥ 0, got 12.5"),
        (" 0.01 ", .invalidCount, "count must be a whole number ≥ 0, got 0.01"),
        (
            "1.2E+3", .invalidCount,
            "count must be a whole number ≥ 0, got 1.2E+3; scientific notation may have lost digits: format the column as a number in Excel and save again"
        ),
        (
            "99999999999999999999", .invalidCount,
            "count must be a whole number ≥ 0, got 99999999999999999999, which is too large"
        ),
        ("abc", .invalidNumber, "\"abc\" is not a number"),
        ("3人", .invalidNumber, "\"3人\" is not a number"),
        ("1 234", .invalidNumber, "\"1 234\" is not a number"),
        ("+", .invalidNumber, "\"+\" is not a number"),
        ("1-2", .invalidNumber, "\"1-2\" is not a number"),
        (
            "12,34", .invalidNumber,
            "\"12,34\" is not a number: a thousands separator must be followed by exactly 3 digits; write decimals with a point (12.5), not a comma"
        ),
        (
            "1234,567", .invalidNumber,
            "\"1234,567\" is not a number: a thousands separator must be followed by exactly 3 digits; write decimals with a point (12.5), not a comma"
        ),
        (
            ",123", .invalidNumber,
            "\",123\" is not a number: a thousands separator must be followed by exactly 3 digits; write decimals with a point (12.5), not a comma"
        ),
        ("50%", .invalidNumber, "\"50%\" is not a number; remove the % sign (a share of 12.5% is written 0.125)"),
        ("#DIV/0!", .invalidNumber, "\"#DIV/0!\" is an Excel error value, not a number; fix the formula in the workbook, or clear the cell"),
    ])
    func countErrors(_ text: String, _ kind: TabularError.Kind, _ message: String) {
        let error = #expect(throws: TabularError.self) { try NumberParsing.parseCount(text) }
        #expect(error?.kind == kind)
        #expect(error?.description == message)
        #expect(error?.source == nil && error?.line == nil)
    }

    @Test(arguments: [
        ("12.5", 12.5), ("-12.5", -12.5), ("−3.5", -3.5), ("－3.5", -3.5), ("△3", -3), ("▲0.5", -0.5),
        ("1,234.5", 1234.5), (".5", 0.5), ("5.", 5), ("1.5e3", 1500), ("1E-4", 0.0001), ("１２．５", 12.5),
        ("0.1779", 0.1779), ("11.66", 11.66), ("-0", 0), ("240069", 240_069),
    ])
    func measures(_ text: String, _ expected: Double) throws {
        #expect(try NumberParsing.parseMeasure(text) == .number(expected))
    }

    @Test func negativeZeroMeasureIsZero() throws {
        let value = try #require(try NumberParsing.parseMeasure("-0.0").value)
        #expect(value.sign == .plus)
    }

    @Test(arguments: [
        ("abc", "\"abc\" is not a number"),
        ("12.5.3", "\"12.5.3\" is not a number"),
        ("--3", "\"--3\" is not a number"),
        ("1e", "\"1e\" is not a number"),
        (".", "\".\" is not a number"),
        ("1e999", "\"1e999\" is too large to be a number"),
        ("NaN", "\"NaN\" is not a number"),
    ])
    func measureErrors(_ text: String, _ message: String) {
        let error = #expect(throws: TabularError.self) { try NumberParsing.parseMeasure(text) }
        #expect(error?.kind == .invalidNumber)
        #expect(error?.description == message)
    }

    @Test func missingValueDescriptions() {
        #expect(MissingValue(reason: .empty, mark: "").description == "empty")
        #expect(MissingValue(reason: .none, mark: "-").description == "\"-\" (none, 該当なし)")
        #expect(MissingValue(reason: .suppressed, mark: "x").description == "\"x\" (suppressed, 秘匿)")
    }
}
