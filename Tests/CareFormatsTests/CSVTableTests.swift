import Foundation
import Testing

@testable import CareFormats

@Suite("CSV reader")
struct CSVTableTests {
    typealias T = TabularTestData

    func table(_ text: String, delimiter: CSVTable.Delimiter? = nil) throws -> CSVTable {
        try CSVTable(text: text, source: "t.csv", delimiter: delimiter)
    }

    func error(_ text: String) -> TabularError? {
        #expect(throws: TabularError.self) { try CSVTable(text: text, source: "t.csv") }
    }

    // MARK: - Quoting

    @Test func quotedDelimitersLineBreaksAndQuotes() throws {
        let csv = "name,note,n\r\n\"Tanaka, Taro\",\"line 1\nline 2\",3\r\n\"say \"\"hi\"\"\",plain,4\r\n"
        let t = try table(csv)
        #expect(t.header == ["name", "note", "n"])
        #expect(T.rows(t) == [["Tanaka, Taro", "line 1\nline 2", "3"], ["say \"hi\"", "plain", "4"]])
    }

    /// The second data row starts on line 4 because the first spans lines 2 and 3.
    @Test func physicalLineNumbersAfterAMultiLineField() throws {
        let t = try table("a,b\n\"x\r\ny\",1\n\"p\",2\n\n\nq,\"3\n\n\"\nr,4")
        #expect(t.map(\.lineNumber) == [2, 4, 7, 10])
        #expect(t[2].fields == ["q", "3\n\n"])
    }

    @Test func emptyAndQuotedEmptyFields() throws {
        let t = try table("a,b,c\n,,\n\"\",\"\",\"\"\n")
        #expect(T.rows(t) == [["", "", ""], ["", "", ""]])
    }

    @Test func quoteInsideAnUnquotedFieldIsKept() throws {
        #expect(T.rows(try table("size,n\n5\" monitor,2\n")) == [["5\" monitor", "2"]])
    }

    @Test func spacesAfterAClosingQuoteAreIgnored() throws {
        #expect(T.rows(try table("a,b\n\"x\"  ,\"y\" \n")) == [["x", "y"]])
    }

    @Test func valuesKeepTheirSpaces() throws {
        #expect(T.rows(try table("a,b\n  x , y\n")) == [["  x ", " y"]])
    }

    // MARK: - Line breaks and blank lines

    @Test func crlfLoneCRAndLFMixed() throws {
        let t = try table("a,b\r1,2\n3,4\r\n5,6")
        #expect(T.rows(t) == [["1", "2"], ["3", "4"], ["5", "6"]])
        #expect(t.map(\.lineNumber) == [2, 3, 4])
    }

    @Test func trailingAndInnerEmptyLinesAreSkipped() throws {
        let t = try table("\n\na,b\n1,2\n\n3,4\n\n\n")
        #expect(t.header == ["a", "b"])
        #expect(T.rows(t) == [["1", "2"], ["3", "4"]])
        #expect(t.map(\.lineNumber) == [4, 6])
    }

    @Test func oneColumnTableNeedsQuotesForAnEmptyValue() throws {
        let t = try table("code\n13105\n\"\"\n13106\n")
        #expect(T.rows(t) == [["13105"], [""], ["13106"]])
    }

    // MARK: - Delimiters

    @Test func delimiterIsDetectedFromTheHeader() throws {
        let tab = try table("a\tb,c\tn\n1\t2,3\t4\n")
        #expect(tab.delimiter == .tab)
        #expect(T.rows(tab) == [["1", "2,3", "4"]])
        let semicolon = try table("a;b;c\n1,5;2;3\n")
        #expect(semicolon.delimiter == .semicolon)
        #expect(T.rows(semicolon) == [["1,5", "2", "3"]])
        let comma = try table("\"a;b\",c\n1,2\n")
        #expect(comma.delimiter == .comma)
        #expect(comma.header == ["a;b", "c"])
        #expect(try table("code\n1\n").delimiter == .comma)
    }

    @Test func delimiterOverride() throws {
        let t = try table("a;b,c\n1;2,3\n", delimiter: .comma)
        #expect(t.header == ["a;b", "c"])
    }

    @Test func tabDelimiterKeepsTabsAfterAClosingQuote() throws {
        #expect(T.rows(try table("a\tb\tc\n\"x\"\t\ty\n")) == [["x", "", "y"]])
    }

    // MARK: - Header

    @Test func headerNamesAreTrimmedAndTheMarkNeverLeaks() throws {
        let data = Data(T.byteOrderMark + Array(" area_code ,\u{3000}patients\u{3000}\r\n13105,3\r\n".utf8))
        let t = try CSVTable(data: data, source: "p.csv")
        #expect(t.header == ["area_code", "patients"])
        #expect(t.encoding == .utf8WithByteOrderMark)
        let fromText = try table("\u{FEFF}area_code,patients\n")
        #expect(fromText.header == ["area_code", "patients"])
    }

    @Test func headerOnlyIsAnEmptyTable() throws {
        let t = try table("area_code,patients\r\n")
        #expect(t.isEmpty)
        #expect(t.count == 0)
        #expect(t.header == ["area_code", "patients"])
    }

    // MARK: - Columns

    @Test func columnsByName() throws {
        let t = try table("area_code,area_name,count\n13105,文京区,7\n")
        let columns = try t.columns(["count", "area_code"])
        #expect(columns.map(\.index) == [2, 0])
        #expect(t[0][columns[0]] == "7")
        #expect(t[0][try t.column("area_name")] == "文京区")
    }

    @Test func missingColumnListsTheColumns() throws {
        let t = try CSVTable(text: "area_code,area_name,count\n13105,文京区,7\n", source: "patients.csv")
        let one = #expect(throws: TabularError.self) { try t.column("patients") }
        #expect(one?.kind == .missingColumn)
        #expect(one?.description == "column \"patients\" not found in patients.csv; columns are: area_code, area_name, count")
        #expect(one?.detail == "column \"patients\" not found in patients.csv")
        #expect(one?.fix == "columns are: area_code, area_name, count")
        let two = #expect(throws: TabularError.self) { try t.columns(["area_code", "patients", "year"]) }
        #expect(
            two?.description == "columns \"patients\", \"year\" not found in patients.csv; columns are: area_code, area_name, count")
    }

    @Test func duplicateColumnNameIsAmbiguous() throws {
        let t = try CSVTable(text: "code,n,code\n1,2,3\n", source: "d.csv")
        let error = #expect(throws: TabularError.self) { try t.column("code") }
        #expect(error?.kind == .ambiguousColumn)
        #expect(
            error?.description == "column \"code\" appears 2 times in d.csv (columns 1, 3); rename them so that each name is unique")
        #expect(try t.column("n").index == 1)
    }

    // MARK: - Errors

    @Test func raggedRowWithMoreFields() {
        let e = error("a,b,c\n1,2,3\n4,5,6,7\n")
        #expect(e?.kind == .raggedRow)
        #expect(e?.line == 3)
        #expect(
            e?.description
                == "t.csv, line 3: expected 3 fields, as in the header, but found 4; a value that contains \",\" must be in double quotes")
    }

    @Test func raggedRowWithFewerFields() {
        #expect(
            error("a\tb\tc\n1\t2\n")?.description
                == "t.csv, line 2: expected 3 fields, as in the header, but found 2; is a tab missing, or does a value with a line break lack its double quotes?"
        )
    }

    @Test func raggedRowAfterATitleLine() {
        #expect(
            error("令和5年度 患者数\narea_code,patients\n")?.description
                == "t.csv, line 2: expected 1 field, as in the header, but found 2; the header on line 1 has a single field: if that line is a title, delete the lines above the header, or set the delimiter"
        )
    }

    @Test func raggedRowLineCountsAMultiLineField() {
        #expect(error("a,b\n\"1\n2\",3\n4\n")?.line == 4)
    }

    @Test func unclosedQuoteNamesTheLineWhereItOpened() {
        let e = error("a,b\n1,2\n3,\"open\n4,5\n6,7\n")
        #expect(e?.kind == .unclosedQuote)
        #expect(
            e?.description
                == "t.csv, line 3: the quoted value that starts on this line (field 2) has no closing double quote before the end of the file; close it, and write a double quote inside a quoted value as \"\""
        )
    }

    @Test func textAfterAClosingQuote() {
        let e = error("a,b\n1,\"He said \"hi\" twice\"\n")
        #expect(e?.kind == .textAfterClosingQuote)
        #expect(
            e?.description
                == "t.csv, line 2: text after the closing double quote of field 2; a double quote inside a quoted value must be written twice (\"\")"
        )
    }

    @Test func emptyFile() {
        for text in ["", "\n", "\r\n\r\n"] {
            let e = error(text)
            #expect(e?.kind == .emptyFile)
            #expect(e?.description == "t.csv: file is empty: expected a header row such as area_code,patients")
        }
        let bomOnly = #expect(throws: TabularError.self) {
            try CSVTable(data: Data(T.byteOrderMark), source: "p.csv")
        }
        #expect(bomOnly?.description == "p.csv: file is empty: expected a header row such as area_code,patients")
    }

    @Test func byteOrderMarkInsideText() {
        #expect(
            error("a,b\n1,2\n\u{FEFF}a,b\n")?.description
                == "t.csv, line 3: byte-order mark (U+FEFF) inside the text, as when files are concatenated; delete the mark")
    }

    // MARK: - Encodings end to end

    @Test func cp932FileReadsLikeUTF8() throws {
        let text = "市区町村,患者数,備考\r\n文京区,3,\"①㈱髙～, 再掲\"\r\n台東区,1,\r\n"
        let fromUTF8 = try CSVTable(data: T.utf8(text), source: "a.csv")
        let fromCP932 = try CSVTable(data: try T.cp932(text), source: "a.csv")
        #expect(fromCP932.encoding == .cp932)
        #expect(fromCP932.header == fromUTF8.header)
        #expect(T.rows(fromCP932) == T.rows(fromUTF8))
        #expect(T.rows(fromCP932)[0][2] == "①㈱髙～, 再掲")
    }

    @Test func readsAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-csv-\(UUID().uuidString).csv")
        try T.cp932("code,n\n13105,2\n").write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let t = try CSVTable(contentsOf: url)
        #expect(t.source == url.lastPathComponent)
        #expect(T.rows(t) == [["13105", "2"]])
    }

    // MARK: - Values placed in the file

    @Test func cellErrorsNameFileLineAndColumn() throws {
        let t = try CSVTable(
            text: "area_code,patients,km\n131059,2,1.5\n131058,-3,x\n", source: "patients.csv")
        let code = try t.column("area_code"), patients = try t.column("patients"), km = try t.column("km")
        #expect(try t[0].parseAreaCode(code) == "13105")
        #expect(try t[0].parseCount(patients) == .number(2))
        #expect(try t[0].parseMeasure(km) == .number(1.5))
        #expect(try t[1].parseMeasure(km) == .missing(MissingValue(reason: .suppressed, mark: "x")))
        let count = #expect(throws: TabularError.self) { try t[1].parseCount(patients) }
        #expect(count?.kind == .invalidCount)
        #expect(count?.source == "patients.csv")
        #expect(count?.line == 3)
        #expect(count?.column == "patients")
        #expect(count?.detail == "count must be a whole number ≥ 0, got -3")
        #expect(count?.description == "patients.csv, line 3, column \"patients\": count must be a whole number ≥ 0, got -3")
        let area = #expect(throws: TabularError.self) { try t[1].parseAreaCode(code) }
        #expect(area?.kind == .wrongCheckDigit(expected: 9))
        #expect(
            area?.description
                == "patients.csv, line 3, column \"area_code\": check digit of \"131058\" is wrong: the check digit of 13105 is 9 (131059), not 8; check the code for a typo"
        )
    }

    // MARK: - Size

    /// 100,000 rows in a debug build: checks the bookkeeping at scale (the release-mode timing is
    /// in the report, not a test).
    @Test func manyRows() throws {
        var text = "area_code,area_name,fiscal_year,service,patients\n"
        for row in 0..<100_000 { text += "\(13101 + row % 23),\"区 \(row)\",2023,pct_consult,\(row % 7)\n" }
        let t = try CSVTable(text: text, source: "big.csv")
        #expect(t.count == 100_000)
        #expect(t[99_999].fields == ["\(13101 + 99_999 % 23)", "区 99999", "2023", "pct_consult", "\(99_999 % 7)"])
        #expect(t[99_999].lineNumber == 100_001)
        let patients = try t.column("patients")
        var sum = 0
        for row in t { sum += try row.parseCount(patients).value ?? 0 }
        #expect(sum == (0..<100_000).reduce(0) { $0 + $1 % 7 })
    }
}
