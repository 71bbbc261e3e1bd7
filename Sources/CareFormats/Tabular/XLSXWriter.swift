import Foundation

/// An Office Open XML workbook (`.xlsx`, ECMA-376 Part 1, SpreadsheetML) with one sheet per table,
/// written without a spreadsheet library: the package parts as XML, zipped by ``ZipWriter``.
///
/// - Text cells are inline strings (`t="inlineStr"`), so codes keep their leading zeros and a
///   name starting with `=` is never a formula; a cell is a number only when it is written as a
///   plain decimal (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 15 significant digits, which Excel keeps
///   exactly) and its column is not in ``Sheet/textColumns``.
/// - The header row is bold, frozen and carries an auto-filter; column widths follow the longest
///   cell (East Asian wide characters count double).
/// - Characters XML 1.0 cannot hold (controls other than tab and line breaks) are dropped.
/// - Byte-identical across runs: fixed part order and zip timestamps, no creation date.
///
/// ``XLSXSheet`` reads these workbooks back.
public enum XLSXWriter {
    /// One table: its sheet name (at most 31 characters, none of `[]:*?/\`), header and rows.
    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[String]]
        /// Header names of columns always written as text (codes, ids, postal codes).
        public var textColumns: Set<String>
        public init(name: String, header: [String], rows: [[String]], textColumns: Set<String> = []) {
            self.name = name
            self.header = header
            self.rows = rows
            self.textColumns = textColumns
        }
    }

    /// The workbook's bytes.
    /// - Precondition: at least one sheet; sheet names unique, 1–31 characters, none of `[]:*?/\`.
    public static func workbook(_ sheets: [Sheet]) -> Data {
        precondition(!sheets.isEmpty, "a workbook needs a sheet")
        precondition(Set(sheets.map { $0.name.lowercased() }).count == sheets.count, "sheet names must be unique")
        for s in sheets {
            precondition((1...31).contains(s.name.count) && !s.name.contains(where: { "[]:*?/\\".contains($0) }), "invalid sheet name \(s.name)")
        }
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var zip = ZipWriter()
        let n = sheets.count
        zip.add("[Content_Types].xml", Data((head + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + (1...n).map { "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined()
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "</Types>").utf8))
        zip.add("_rels/.rels", Data((head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>").utf8))
        zip.add("xl/workbook.xml", Data((head + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><sheets>"
            + sheets.enumerated().map { "<sheet name=\"\(escaped($1.name))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined()
            + "</sheets></workbook>").utf8))
        zip.add("xl/_rels/workbook.xml.rels", Data((head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + (1...n).map { "<Relationship Id=\"rId\($0)\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>" }.joined()
            + "<Relationship Id=\"rId\(n + 1)\" Type=\"\(rel)/styles\" Target=\"styles.xml\"/></Relationships>").utf8))
        zip.add("xl/styles.xml", Data((head + "<styleSheet xmlns=\"\(main)\">"
            + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
            + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
            + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
            + "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
            + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
            + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>").utf8))
        for (k, sheet) in sheets.enumerated() {
            zip.add("xl/worksheets/sheet\(k + 1).xml", Data((head + worksheet(sheet, namespace: main)).utf8))
        }
        return zip.archive()
    }

    static func worksheet(_ s: Sheet, namespace: String) -> String {
        let width = max(s.header.count, s.rows.map(\.count).max() ?? 0)
        let text = (0..<width).map { c in c < s.header.count && s.textColumns.contains(s.header[c]) }
        var out = "<worksheet xmlns=\"\(namespace)\"><sheetViews><sheetView workbookViewId=\"0\">"
            + "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        if width > 0 {
            out += "<cols>"
            for c in 0..<width {
                let longest = ([s.header] + s.rows).map { c < $0.count ? displayWidth($0[c]) : 0 }.max() ?? 0
                out += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(min(60, max(8, longest + 2)))\" customWidth=\"1\"/>"
            }
            out += "</cols>"
        }
        out += "<sheetData>"
        for (r, row) in ([s.header] + s.rows).enumerated() {
            out += "<row r=\"\(r + 1)\">"
            for (c, value) in row.enumerated() where !value.isEmpty {
                let ref = column(c) + String(r + 1)
                if r > 0 && !text[c] && isPlainNumber(value) {
                    out += "<c r=\"\(ref)\"><v>\(value)</v></c>"
                } else {
                    let clean = escaped(value)
                    let space = clean.first == " " || clean.last == " " || clean.contains("\n") ? " xml:space=\"preserve\"" : ""
                    out += "<c r=\"\(ref)\" t=\"inlineStr\"\(r == 0 ? " s=\"1\"" : "")><is><t\(space)>\(clean)</t></is></c>"
                }
            }
            out += "</row>"
        }
        out += "</sheetData>"
        if width > 0 { out += "<autoFilter ref=\"A1:\(column(width - 1))\(s.rows.count + 1)\"/>" }
        return out + "</worksheet>"
    }

    /// The column letters of 0-based column `c`: A … Z, AA … .
    static func column(_ c: Int) -> String {
        var n = c + 1, letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.insert(Character(UnicodeScalar(UInt8(65 + r))), at: 0)
            n = (n - 1) / 26
        }
        return String(letters)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 15 significant digits.
    static func isPlainNumber(_ s: String) -> Bool {
        var u = Substring(s).utf8[...]
        if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        let isDigit = { (b: UInt8) in b >= 48 && b <= 57 }
        let integer = u.prefix(while: isDigit)
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return false }
        var rest = u.dropFirst(integer.count)
        var digits = integer.count
        if rest.first == UInt8(ascii: ".") {
            let fraction = rest.dropFirst().prefix(while: isDigit)
            guard !fraction.isEmpty else { return false }
            digits += fraction.count
            rest = rest.dropFirst(1 + fraction.count)
        }
        return rest.isEmpty && digits <= 15
    }

    /// XML text: `& < > "` escaped, characters XML 1.0 forbids dropped.
    static func escaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(ch)
            default:
                if ch.value < 0x20 || ch.value == 0xFFFE || ch.value == 0xFFFF { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
