import CareFormats
import CareGDAL
import Foundation
import TestSupport
import XCTest

final class SpreadsheetFileTests: XCTestCase {
    /// The Saitama 届出受理医療機関名簿 as downloaded: title rows, header on row 4, 35,541 data rows.
    func testKouseikyokuWorkbookHeaderOnRow4() throws {
        guard let url = SharedData.file("institutions/kouseikyoku/11届出受理医療機関名簿（医科）埼玉r0710.xlsx")
        else { throw XCTSkip(SharedData.skipMessage) }
        let table = try SpreadsheetFile.read(contentsOf: url, headerRow: 4)
        XCTAssertEqual(table.count, 35_541)
        XCTAssertEqual(Array(table.header.prefix(5)), ["項番", "都道府県コード", "都道府県名", "区分", "医療機関番号"])
        let columns = try table.columns(["医療機関番号", "受理届出名称", "算定開始年月日"])
        XCTAssertEqual(table[0].lineNumber, 5)  // the first data row is spreadsheet row 5
        XCTAssertEqual(table[0][columns[0]].count, 7)
        XCTAssertEqual(Set(table.map { $0[columns[0]] }).count, 4_305)
        XCTAssertTrue(table.contains { $0[columns[1]] == "別添１の「第９」の１の(３)に規定する在宅療養支援診療所" })
        // Every CSV column check works unchanged, naming the sheet.
        XCTAssertThrowsError(try table.column("nope")) { error in
            XCTAssertTrue("\(error)".contains("not found in 11届出受理医療機関名簿（医科）埼玉r0710.xlsx (sheet Sheet1)"), "\(error)")
        }
        XCTAssertThrowsError(try SpreadsheetFile.read(contentsOf: url, sheet: "Sheet9")) { error in
            XCTAssertEqual("\(error)", "11届出受理医療機関名簿（医科）埼玉r0710.xlsx: has no sheet \"Sheet9\"; sheets are: Sheet1")
        }
    }

    /// The direct .xlsx reader (CareFormats.XLSXSheet) gives the very table GDAL's XLSX driver
    /// gives on both 届出受理 workbooks: header, every cell of every row, spreadsheet row numbers.
    func testDirectXlsxReaderMatchesGDAL() throws {
        for name in ["11届出受理医療機関名簿（医科）埼玉r0710.xlsx", "12届出受理医療機関名簿（医科）千葉r0710.xlsx"] {
            guard let url = SharedData.file("institutions/kouseikyoku/" + name) else { throw XCTSkip(SharedData.skipMessage) }
            let direct = try SpreadsheetFile.read(contentsOf: url, headerRow: 4)
            let gdal = try SpreadsheetFile.read(contentsOf: url, headerRow: 4, throughGDAL: true)
            XCTAssertEqual(direct.header, gdal.header, name)
            XCTAssertEqual(direct.count, gdal.count, name)
            XCTAssertEqual(direct.map(\.lineNumber), gdal.map(\.lineNumber), name)
            let different = zip(direct, gdal).first { $0.0.fields != $0.1.fields }
            XCTAssertNil(different, "\(name): row \(different?.0.lineNumber ?? 0): \(different?.0.fields ?? []) ≠ \(different?.1.fields ?? [])")
        }
    }

    /// A small table written as .xlsx and .ods by ogr2ogr reads back cell for cell.
    func testXlsxAndOdsRoundTrip() throws {
        guard let ogr2ogr = ["/usr/bin/ogr2ogr", "/usr/local/bin/ogr2ogr"].first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("ogr2ogr (gdal-bin, installed by .ci/setup) is absent") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sheet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("pop.csv")
        try Data("code,name,aged65\n13105,文京区,42020\n13101,千代田区,12345\n".utf8).write(to: csv)
        for (driver, name) in [("XLSX", "pop.xlsx"), ("ODS", "pop.ods")] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ogr2ogr)
            p.arguments = ["-f", driver, folder.appendingPathComponent(name).path, csv.path]
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            let table = try SpreadsheetFile.read(contentsOf: folder.appendingPathComponent(name))
            if driver == "XLSX" {  // the direct reader and GDAL agree
                let gdal = try SpreadsheetFile.read(contentsOf: folder.appendingPathComponent(name), throughGDAL: true)
                XCTAssertEqual(table.map(\.fields), gdal.map(\.fields))
                XCTAssertEqual(table.header, gdal.header)
            }
            XCTAssertEqual(table.header, ["code", "name", "aged65"], name)
            XCTAssertEqual(table.map(\.fields), [["13105", "文京区", "42020"], ["13101", "千代田区", "12345"]], name)
            XCTAssertEqual(table.map(\.lineNumber), [2, 3], name)
        }
    }
}
