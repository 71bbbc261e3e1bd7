import CareFormats
import Foundation

/// One municipality's population from SSDSE-A (2020 census figures).
public struct MunicipalPopulation: Hashable, Sendable {
    /// The 5-digit municipality code without the check digit (`13105`).
    public var code: String
    /// 都道府県名 (`東京都`).
    public var prefecture: String
    /// 市区町村名 (`文京区`).
    public var name: String
    /// A1101 総人口; nil when the table has no figure.
    public var total: Int?
    /// A1303 65歳以上人口.
    public var aged65: Int?
    /// A1419 75歳以上人口.
    public var aged75: Int?
    /// How the figures were obtained (`SSDSE-A`, or the allocation to a designated city's ward).
    public var method: String
    /// The 1-based line in the file.
    public var line: Int

    public init(code: String, prefecture: String, name: String, total: Int?, aged65: Int?, aged75: Int?, method: String, line: Int) {
        self.code = code
        self.prefecture = prefecture
        self.name = name
        self.total = total
        self.aged65 = aged65
        self.aged75 = aged75
        self.method = method
        self.line = line
    }
}

/// 独立行政法人統計センター SSDSE-A (教育用標準データセット, 市区町村), as downloaded: CP932, three
/// header rows (item codes, years, Japanese labels), one row per municipality with an `R`-prefixed
/// code (`R13105`). Designated cities (横浜市 `R14100`, さいたま市, 千葉市, 川崎市, 相模原市) are whole
/// cities; see ``WardAllocation`` for using them with ward boundaries.
///
/// Fields read: A1101 総人口, A1303 65歳以上人口, A1419 75歳以上人口.
public enum SSDSEA {
    /// Item codes of the measures read.
    public static let totalItem = "A1101", aged65Item = "A1303", aged75Item = "A1419"

    /// Reads the file.
    ///
    /// - Throws: ``RegistryError`` when the layout is not SSDSE-A's (naming what was expected),
    ///   or a ``CareFormats/TabularError`` when the file is not readable CSV.
    public static func read(contentsOf url: URL) throws -> (rows: [MunicipalPopulation], report: SourceReport) {
        let table = try CSVTable(contentsOf: url)
        let file = url.lastPathComponent
        guard table.header.count > 3, table.header[0].hasPrefix("SSDSE-A"), table.count > 2 else {
            throw RegistryError(
                file: file, line: 1, "is not an SSDSE-A table (the first header cell is \"\(table.header.first ?? "")\", expected SSDSE-A-…)",
                fix: "use the SSDSE-A CSV of the 統計センター as downloaded, or name the file as an ordinary population table")
        }
        guard table[1][0] == "地域コード" else {
            throw RegistryError(file: file, line: table[1].lineNumber, "the third header row should start with 地域コード, found \"\(table[1][0])\"",
                                fix: "keep the three header rows of the download unchanged")
        }
        let columns = try table.columns([totalItem, aged65Item, aged75Item])
        let prefecture = 1, name = 2
        var report = SourceReport(file: file, source: "ssdse_a")
        var rows: [MunicipalPopulation] = []
        var badCodes: [String] = []
        for row in table.dropFirst(2) {
            report.rowsRead += 1
            let raw = AreaCodes.normalizedText(row[0])
            let digits = raw.hasPrefix("R") ? String(raw.dropFirst()) : raw
            guard digits.count == 5, digits.allSatisfy(\.isASCII), Int(digits) != nil else {
                badCodes.append("line \(row.lineNumber): \"\(row[0])\"")
                continue
            }
            rows.append(MunicipalPopulation(
                code: digits, prefecture: row[prefecture], name: row[name], total: officialCount(row[columns[0]]),
                aged65: officialCount(row[columns[1]]), aged75: officialCount(row[columns[2]]), method: "SSDSE-A",
                line: row.lineNumber))
        }
        report.drop("code is not R + 5 digits", badCodes)
        report.kept = rows.count
        return (rows, report)
    }
}
