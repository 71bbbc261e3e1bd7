@testable import CareFormats
import Foundation
import Testing
import TestSupport

/// The workbook writer read back by the project's own reader (``XLSXSheet``), by Python's zipfile
/// and ElementTree (an independent zip and XML reader), by GDAL's XLSX driver, and by openpyxl
/// where it is installed.
@Suite struct XLSXWriterTests {
    static let invitees = XLSXWriter.Sheet(
        name: "meetings",
        header: ["meeting", "ward_code", "name", "postal_code", "shared_patients", "distance_km"],
        rows: [["1", "13105", "文京在宅クリニック", "1130033", "10+", "1.250"],
               ["1", "13105", "=HYPERLINK(\"x\")", "0600001", "<10", "0.5"],
               ["2", "13106", "台東訪問看護\u{0007}ステーション & 〈本所〉", "", "3", "-2"]],
        textColumns: ["ward_code", "postal_code"])
    static let survey = XLSXWriter.Sheet(name: "survey", header: ["kind", "name"], rows: [["hospital", " 前後に空白 "], ["clinic", "行1\n行2"]])

    static func temporary(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-xlsx-\(UUID().uuidString).xlsx")
        try data.write(to: url)
        return url
    }

    /// The rows as written, with the control character dropped (XML 1.0 cannot hold it).
    static func expected(_ s: XLSXWriter.Sheet) -> [[String]] {
        ([s.header] + s.rows).map { $0.map { $0.replacingOccurrences(of: "\u{0007}", with: "") } }
    }

    @Test func roundTripsThroughTheProjectsReader() throws {
        let url = try Self.temporary(XLSXWriter.workbook([Self.invitees, Self.survey]))
        defer { try? FileManager.default.removeItem(at: url) }
        for sheet in [Self.invitees, Self.survey] {
            let rows = try #require(try XLSXSheet.read(contentsOf: url, sheet: sheet.name))
            let cells = rows.rows.map { r in r.cells + Array(repeating: "", count: max(0, rows.width - r.cells.count)) }
            let want = Self.expected(sheet).map { $0 + Array(repeating: "", count: max(0, rows.width - $0.count)) }
            #expect(cells == want)
            #expect(rows.rows.map(\.number) == Array(1...(sheet.rows.count + 1)))
        }
    }

    @Test func isByteIdenticalAndDatedAtTheDOSEpoch() throws {
        let a = XLSXWriter.workbook([Self.invitees, Self.survey]), b = XLSXWriter.workbook([Self.invitees, Self.survey])
        #expect(a == b)
        let zip = try ZipArchive(data: a, source: "book.xlsx")
        #expect(zip.entries.map(\.name) == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                            "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])
        // Every local header: time 0x0000, date 0x0021 (1980-01-01) at offsets 10–13.
        var offset = 0, headers = 0
        let bytes = [UInt8](a)
        while offset + 30 <= bytes.count, bytes[offset..<offset + 4] == [0x50, 0x4B, 0x03, 0x04] {
            #expect(Array(bytes[offset + 10..<offset + 14]) == [0, 0, 0x21, 0])
            let compressed = Int(bytes[offset + 18]) | Int(bytes[offset + 19]) << 8 | Int(bytes[offset + 20]) << 16 | Int(bytes[offset + 21]) << 24
            let name = Int(bytes[offset + 26]) | Int(bytes[offset + 27]) << 8
            offset += 30 + name + compressed
            headers += 1
        }
        #expect(headers == 7)
        // Numbers are numbers, codes and names strings: the sheet's cells for row 3.
        let sheet = String(decoding: try zip.data(of: try #require(zip.entry(named: "xl/worksheets/sheet1.xml"))), as: UTF8.self)
        #expect(sheet.contains("<c r=\"A3\"><v>1</v></c>"))
        #expect(sheet.contains("<c r=\"B3\" t=\"inlineStr\"><is><t>13105</t></is></c>"))
        #expect(sheet.contains("<c r=\"D3\" t=\"inlineStr\"><is><t>0600001</t></is></c>"))
        #expect(sheet.contains("<c r=\"C3\" t=\"inlineStr\"><is><t>=HYPERLINK(&quot;x&quot;)</t></is></c>"))
        #expect(sheet.contains("<c r=\"F4\"><v>-2</v></c>") && sheet.contains("<autoFilter ref=\"A1:F4\"/>"))
    }

    @Test func plainNumbersAndColumnLetters() {
        for (text, number) in [("0", true), ("-12.50", true), ("007", false), ("1e5", false), ("1.", false), ("", false),
                               ("123456789012345", true), ("1234567890123456", false), ("10+", false), ("<10", false)] {
            #expect(XLSXWriter.isPlainNumber(text) == number, "\(text)")
        }
        #expect([0, 25, 26, 27, 701, 702].map(XLSXWriter.column) == ["A", "Z", "AA", "AB", "ZZ", "AAA"])
    }

    /// Python's zipfile (CRC of every member) and ElementTree (every part well-formed), and
    /// openpyxl's cell values where it is installed.
    @Test func pythonReadsIt() throws {
        let url = try Self.temporary(XLSXWriter.workbook([Self.invitees, Self.survey]))
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import json, sys, zipfile, xml.etree.ElementTree as ET
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None, "bad CRC"
            for n in z.namelist(): ET.fromstring(z.read(n))
            try:
                import openpyxl
            except ImportError:
                print(json.dumps({"openpyxl": None})); sys.exit(0)
            wb = openpyxl.load_workbook(sys.argv[1])
            print(json.dumps({"openpyxl": {ws.title: [["" if c is None else str(c) for c in r] for r in ws.iter_rows(values_only=True)] for ws in wb}}, ensure_ascii=False))
            """
        let (status, out, err) = try runProgram("/usr/bin/env", ["python3", "-c", script, url.path])
        #expect(status == 0, "\(err)")
        guard let line = out.split(separator: "\n").last, line != "{\"openpyxl\": null}" else { return }  // openpyxl absent: zip and XML checked
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: [[String]]]]
        let meetings = try #require(parsed?["openpyxl"]?["meetings"])
        #expect(meetings[1] == ["1", "13105", "文京在宅クリニック", "1130033", "10+", "1.25"])  // openpyxl reads 1.250 as the float 1.25
        #expect(meetings[2][2] == "=HYPERLINK(\"x\")" && meetings[2][3] == "0600001")
    }

    /// GDAL's XLSX driver (what QGIS opens a workbook with) sees the same header and cells.
    @Test func gdalReadsIt() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ogr2ogr") else { return }
        let url = try Self.temporary(XLSXWriter.workbook([Self.invitees, Self.survey]))
        let csv = url.deletingPathExtension().appendingPathExtension("csv")
        defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: csv) }
        let (status, _, err) = try runProgram("/usr/bin/ogr2ogr", ["-f", "CSV", "--config", "OGR_XLSX_FIELD_TYPES", "STRING", "--config", "OGR_XLSX_HEADERS", "FORCE",
                                                            csv.path, url.path, "survey"])
        #expect(status == 0, "\(err)")
        let text = try String(contentsOf: csv, encoding: .utf8)
        #expect(text.hasPrefix("kind,name\n") || text.hasPrefix("kind,name\r\n"), "\(text)")
        #expect(text.contains("hospital, 前後に空白 ") && text.contains("\"行1\n行2\""), "\(text)")
    }
}
