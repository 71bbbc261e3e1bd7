import Testing

@testable import CareFormats

@Suite("Area codes")
struct AreaCodeTests {
    /// Official 6-digit codes (総務省 全国地方公共団体コード) and their 5-digit forms.
    static let knownCodes = [
        ("131016", "13101"),  // 千代田区
        ("131024", "13102"),  // 中央区
        ("131032", "13103"),  // 港区
        ("131041", "13104"),  // 新宿区 (S mod 11 = 0)
        ("131059", "13105"),  // 文京区
        ("131067", "13106"),  // 台東区
        ("011002", "01100"),  // 札幌市
        ("141003", "14100"),  // 横浜市
        ("011011", "01101"),  // 札幌市中央区 (S mod 11 = 0)
        ("132012", "13201"),  // 八王子市
        ("131130", "13113"),  // 渋谷区 (S mod 11 = 1)
    ]

    @Test(arguments: knownCodes)
    func checkDigitOfKnownCodes(_ six: String, _ five: String) throws {
        #expect(AreaCode.checkDigit(for: five) == Int(String(six.last!)))
        #expect(try AreaCode.normalize(six) == five)
        #expect(try AreaCode.normalize(five) == five)
    }

    @Test(arguments: [
        ("13105", "13105"), ("1101", "01101"), ("1100", "01100"), ("１３１０５", "13105"), (" 13105 ", "13105"),
        ("\u{3000}１３１０５\u{3000}", "13105"), ("13105.0", "13105"), ("13105.00", "13105"), ("131059.0", "13105"),
        ("1100.0", "01100"), ("13000", "13000"),
    ])
    func municipalityNormalisation(_ raw: String, _ expected: String) throws {
        #expect(try AreaCode.normalize(raw) == expected)
    }

    @Test(arguments: [
        ("131058", TabularError.Kind.wrongCheckDigit(expected: 9),
         "check digit of \"131058\" is wrong: the check digit of 13105 is 9 (131059), not 8; check the code for a typo"),
        ("", .emptyValue, "area code is empty"),
        (" ", .emptyValue, "area code is empty"),
        ("文京区", .invalidAreaCode,
         "\"文京区\" is not an area code; a municipality code has 5 digits (13105) or 6 with the check digit (131059)"),
        ("13-105", .invalidAreaCode,
         "\"13-105\" is not an area code; a municipality code has 5 digits (13105) or 6 with the check digit (131059)"),
        ("13105.5", .invalidAreaCode,
         "\"13105.5\" is not an area code; a municipality code has 5 digits (13105) or 6 with the check digit (131059)"),
        ("131", .invalidAreaCode,
         "\"131\" has 3 digits; a municipality code has 5 digits (13105) or 6 with the check digit (131059)"),
        ("13101001001", .invalidAreaCode,
         "\"13101001001\" has 11 digits; a municipality code has 5 digits (13105) or 6 with the check digit (131059)"),
        ("48105", .invalidAreaCode,
         "\"48105\" is not an area code: its first two digits (the prefecture) must be 01 to 47, not 48"),
        ("0", .invalidAreaCode, "\"0\" has 1 digit; a municipality code has 5 digits (13105) or 6 with the check digit (131059)"),
        ("13050", .invalidAreaCode, "\"13050\" is not an area code: no municipality has 050 after the two prefecture digits"),
        ("11002", .invalidAreaCode,
         "\"11002\" is not an area code: no municipality has 002 after the two prefecture digits; if the column holds 6-digit codes with check digit whose leading zero was lost, read it with width 6 (it would be 011002, that is 01100)"),
    ])
    func municipalityErrors(_ raw: String, _ kind: TabularError.Kind, _ message: String) {
        let error = #expect(throws: TabularError.self) { try AreaCode.normalize(raw) }
        #expect(error?.kind == kind)
        #expect(error?.description == message)
    }

    /// A column of 6-digit codes from Excel: 札幌市 011002 arrives as 11002.
    @Test func widthSixRestoresLostZeros() throws {
        #expect(try AreaCode.normalize("11002", width: 6) == "01100")
        #expect(try AreaCode.normalize("131059", width: 6) == "13105")
        let error = #expect(throws: TabularError.self) { try AreaCode.normalize("13105", width: 6) }
        #expect(
            error?.description
                == "check digit of \"13105\" (read as 013105) is wrong: the check digit of 01310 is 2 (013102), not 5; check the code for a typo"
        )
        let long = #expect(throws: TabularError.self) { try AreaCode.normalize("1310590", width: 6) }
        #expect(long?.description == "\"1310590\" has 7 digits, more than the 6 of this column's codes")
    }

    @Test(arguments: [
        ("13101001001", "13101001001"), ("131050010", "131050010"), ("1101001001", "01101001001"),
        ("11010010", "011010010"), ("１３１０１００１００１", "13101001001"),
    ])
    func smallAreas(_ raw: String, _ expected: String) throws {
        #expect(try AreaCode.normalize(raw, kind: .smallArea) == expected)
        #expect(try AreaCode.normalize(raw, kind: .any) == expected)
    }

    @Test func smallAreaErrors() {
        let short = #expect(throws: TabularError.self) { try AreaCode.normalize("13105", kind: .smallArea) }
        #expect(
            short?.description
                == "\"13105\" has 5 digits; a census small-area KEY_CODE has 9 or 11 digits (131050010, 13101001001)")
        let prefecture = #expect(throws: TabularError.self) { try AreaCode.normalize("99101001001", kind: .smallArea) }
        #expect(
            prefecture?.description
                == "\"99101001001\" is not an area code: its first two digits (the prefecture) must be 01 to 47, not 99")
        let any = #expect(throws: TabularError.self) { try AreaCode.normalize("1310500", kind: .any) }
        #expect(
            any?.description
                == "\"1310500\" has 7 digits; an area code has 5 digits (13105), 6 with the check digit (131059), or 9 or 11 for a census small area (13101001001)"
        )
    }

    @Test func anyKindTellsCodesApartByLength() throws {
        #expect(try AreaCode.normalize("13105", kind: .any) == "13105")
        #expect(try AreaCode.normalize("131059", kind: .any) == "13105")
        #expect(try AreaCode.normalize("1101", kind: .any) == "01101")
        #expect(try AreaCode.normalize("13101001001", kind: .any) == "13101001001")
    }

    @Test func prefectureCode() {
        #expect(AreaCode.prefectureCode(of: "13105") == "13")
        #expect(AreaCode.prefectureCode(of: "01101") == "01")
        #expect(AreaCode.prefectureCode(of: "13101001001") == "13")
    }

    @Test func checkDigitRejectsNonCodes() {
        #expect(AreaCode.checkDigit(for: "1310") == nil)
        #expect(AreaCode.checkDigit(for: "1310a") == nil)
        #expect(AreaCode.checkDigit(for: "１３１０５") == nil)
    }
}
