import Foundation

/// One sheet of an `.xlsx` workbook read directly from its zip (``ZipArchive``, ``Inflate``): the
/// workbook's sheet list, its shared strings and the sheet's XML, scanned once as bytes. Every
/// cell is given as text as GDAL's XLSX driver shows it with `FIELD_TYPES=STRING` (shared and
/// inline strings as written, phonetic runs `<rPh>` left out; numbers, booleans and errors as
/// their stored text), so ``read(contentsOf:sheet:)`` can stand in for it on the 厚生局 workbooks,
/// about ten times faster (benchmarks/RESULTS.md, issue 16).
///
/// Cells whose style formats a number as a date or time are shown by GDAL as dates; this reader
/// does not convert them and returns nil instead, so that the caller reads such a sheet through
/// GDAL. Thread safety: stateless.
public enum XLSXSheet {
    /// The rows of a sheet: spreadsheet row numbers (1-based) with their cells, all of `width`.
    public struct Rows: Sendable {
        public let sheetName: String
        public let width: Int
        public let rows: [(number: Int, cells: [String])]
    }

    /// Reads `sheet` (nil: the first) of the workbook at `url`; nil when the sheet has date-styled
    /// number cells (read it through GDAL). Throws ``TabularError`` naming the file for a damaged
    /// workbook or an unknown sheet (with the names of the sheets).
    public static func read(contentsOf url: URL, sheet: String? = nil) throws(TabularError) -> Rows? {
        let file = url.lastPathComponent
        func fail(_ message: String, fix: String = "the workbook may be damaged; save it again from Excel or LibreOffice") -> TabularError {
            TabularError(.unreadableFile, source: file, message, fix: fix)
        }
        let zip: ZipArchive
        do { zip = try ZipArchive(contentsOf: url) } catch { throw fail("not a readable .xlsx (zip) file: \(error)") }
        func member(_ name: String) throws(TabularError) -> [UInt8]? {
            guard let e = zip.entry(named: name) else { return nil }
            do { return [UInt8](try zip.data(of: e)) } catch { throw fail("\(name): \(error)") }
        }
        guard let workbook = try member("xl/workbook.xml") else { throw fail("has no xl/workbook.xml") }
        // Sheets in workbook order: name and relationship id.
        var sheets: [(name: String, rid: String)] = []
        for tag in XMLScan.tags(named: "sheet", in: workbook) {
            guard let name = tag["name"], let rid = tag["r:id"] else { continue }
            sheets.append((name, rid))
        }
        guard let chosen = sheet.map({ s in sheets.first { $0.name == s } }) ?? sheets.first else {
            throw fail(sheets.isEmpty ? "has no sheets" : "has no sheet \"\(sheet ?? "")\"",
                       fix: "sheets are: \(sheets.map(\.name).joined(separator: ", "))")
        }
        var target: String?
        if let rels = try member("xl/_rels/workbook.xml.rels") {
            target = XMLScan.tags(named: "Relationship", in: rels).first { $0["Id"] == chosen.rid }?["Target"]
        }
        guard var path = target else { throw fail("sheet \"\(chosen.name)\" has no part in xl/_rels/workbook.xml.rels") }
        path = path.hasPrefix("/") ? String(path.dropFirst()) : "xl/" + path
        guard let xml = try member(path) else { throw fail("sheet \"\(chosen.name)\": \(path) is missing") }
        let strings = try member("xl/sharedStrings.xml").map(sharedStrings) ?? []
        let dateStyles = try member("xl/styles.xml").map(dateStyleIndices) ?? []
        return try cells(xml, strings: strings, dateStyles: dateStyles, sheetName: chosen.name, fail: fail)
    }

    private static let siKey = XMLScan.key("si"), rPhKey = XMLScan.key("rPh"), tKey = XMLScan.key("t")
    private static let rowKey = XMLScan.key("row"), cKey = XMLScan.key("c"), vKey = XMLScan.key("v")

    /// The shared-string table: each `<si>`'s `<t>` texts joined, phonetic runs (`<rPh>`) left out.
    static func sharedStrings(_ b: [UInt8]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(1024)
        b.withUnsafeBufferPointer { p in
            var i = 0
            let n = p.count
            var current: [UInt8] = []
            var inSI = false, phonetic = 0
            while i < n {
                guard p[i] == UInt8(ascii: "<") else { i += 1; continue }
                let (name, closing, selfClosing, end) = XMLScan.tagHeaderKey(p, i)
                i = end
                switch name {
                case Self.siKey:
                    if closing { out.append(XMLScan.decode(current)); current.removeAll(keepingCapacity: true); inSI = false }
                    else if selfClosing { out.append("") } else { inSI = true }
                case Self.rPhKey: if !selfClosing { phonetic += closing ? -1 : 1 }
                case Self.tKey:
                    guard !closing, !selfClosing, inSI else { continue }
                    let start = i
                    while i < n, p[i] != UInt8(ascii: "<") { i += 1 }
                    if phonetic == 0 { current.append(contentsOf: p[start..<i]) }
                default: continue
                }
            }
        }
        return out
    }

    /// Indices into `<cellXfs>` whose number format is a date or time (built-in 14–22, 27–36,
    /// 45–47, 50–58, or a custom code with y, m, d, h or s outside quotes and brackets).
    static func dateStyleIndices(_ b: [UInt8]) -> Set<Int> {
        var custom: [Int: Bool] = [:]
        for tag in XMLScan.tags(named: "numFmt", in: b) {
            guard let id = tag["numFmtId"].flatMap(Int.init), let code = tag["formatCode"] else { continue }
            var inQuote = false, inBracket = false, isDate = false
            for ch in code.lowercased() {
                if ch == "\"" { inQuote.toggle() } else if !inQuote && ch == "[" { inBracket = true } else if ch == "]" { inBracket = false }
                else if !inQuote && !inBracket && "ymdhs".contains(ch) { isDate = true }
            }
            custom[id] = isDate
        }
        let builtIn = Set(Array(14...22) + Array(27...36) + Array(45...47) + Array(50...58))
        // Only the <xf> of <cellXfs> count (cellStyleXfs come first in the file).
        guard let range = XMLScan.section("cellXfs", in: b) else { return [] }
        var out = Set<Int>()
        for (k, tag) in XMLScan.tags(named: "xf", in: Array(b[range])).enumerated() {
            let id = tag["numFmtId"].flatMap(Int.init) ?? 0
            if builtIn.contains(id) || custom[id] == true { out.insert(k) }
        }
        return out
    }

    static func cells(
        _ b: [UInt8], strings: [String], dateStyles: Set<Int>, sheetName: String, fail: (String, String) -> TabularError
    ) throws(TabularError) -> Rows? {
        var rows: [(number: Int, cells: [String])] = []
        var width = 0
        var problem: String?
        var hasDates = false
        b.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            var rowNumber = 0
            var row: [String] = []
            var nextColumn = 0
            var inRow = false
            var text: [UInt8] = []
            while i < n && problem == nil && !hasDates {
                guard p[i] == UInt8(ascii: "<") else { i += 1; continue }
                let (name, closing, selfClosing, end) = XMLScan.tagHeaderKey(p, i)
                let tagStart = i
                i = end
                if name == Self.rowKey {
                    if closing || selfClosing {
                        if selfClosing { rowNumber = XMLScan.attribute("r", p, tagStart, end).flatMap(Int.init) ?? rowNumber + 1 }
                        rows.append((rowNumber, row)); width = max(width, row.count); row = []; inRow = false
                    } else {
                        rowNumber = XMLScan.attribute("r", p, tagStart, end).flatMap(Int.init) ?? rowNumber + 1
                        inRow = true; nextColumn = 0
                    }
                    continue
                }
                guard name == Self.cKey, !closing, inRow else { continue }
                // The cell's attributes as byte ranges (no string per attribute: a sheet has
                // hundreds of thousands of cells).
                let refRange = XMLScan.attributeRange(UInt8(ascii: "r"), p, tagStart, end)
                let typeRange = XMLScan.attributeRange(UInt8(ascii: "t"), p, tagStart, end)
                let isShared = typeRange.map { $0.count == 1 && p[$0.lowerBound] == UInt8(ascii: "s") } ?? false
                let isNumber = typeRange.map { $0.count == 1 && p[$0.lowerBound] == UInt8(ascii: "n") } ?? true
                let style = XMLScan.attributeRange(UInt8(ascii: "s"), p, tagStart, end).flatMap { XMLScan.digits(p, $0) } ?? 0
                let column = refRange.map { columnIndex(p, $0) } ?? nextColumn
                nextColumn = column + 1
                var value = ""
                if !selfClosing {
                    // Content up to </c>: the <v> text, or the <t> texts of an inline string.
                    text.removeAll(keepingCapacity: true)
                    var inValue = false, phonetic = 0
                    while i < n {
                        if p[i] != UInt8(ascii: "<") {
                            let s = i
                            while i < n, p[i] != UInt8(ascii: "<") { i += 1 }
                            if inValue && phonetic == 0 { text.append(contentsOf: p[s..<i]) }
                            continue
                        }
                        let (inner, innerClosing, innerSelf, innerEnd) = XMLScan.tagHeaderKey(p, i)
                        i = innerEnd
                        if inner == Self.cKey && innerClosing { break }
                        if inner == Self.rPhKey && !innerSelf { phonetic += innerClosing ? -1 : 1 }
                        if (inner == Self.vKey || inner == Self.tKey) && !innerSelf { inValue = !innerClosing }
                    }
                    if isShared {
                        guard let k = text.withUnsafeBufferPointer({ XMLScan.digits($0, 0..<$0.count) }), strings.indices.contains(k) else {
                            problem = "row \(rowNumber): shared string \(XMLScan.decode(text)) out of range"; continue
                        }
                        value = strings[k]
                    } else {
                        value = XMLScan.decode(text)  // n, str, inlineStr, b, e: the stored text
                        if isNumber, !value.isEmpty, dateStyles.contains(style) { hasDates = true }
                    }
                }
                guard column >= 0, column < 16_384 else {
                    let ref = refRange.map { String(decoding: UnsafeBufferPointer(rebasing: p[$0]), as: UTF8.self) } ?? "?"
                    problem = "row \(rowNumber): cell \(ref) is outside the sheet"; continue
                }
                if row.count < column { row.append(contentsOf: repeatElement("", count: column - row.count)) }
                if row.count == column { row.append(value) } else { row[column] = value }
            }
        }
        if let problem { throw fail("sheet \"\(sheetName)\", \(problem)", "the workbook may be damaged; save it again from Excel or LibreOffice") }
        if hasDates { return nil }
        // GDAL's width: the widest row; rows are padded.
        let padded = rows.map { r in (r.number, r.cells.count == width ? r.cells : r.cells + Array(repeating: "", count: width - r.cells.count)) }
        return Rows(sheetName: sheetName, width: width, rows: padded)
    }

    /// "AB12" → 27 (0-based column).
    static func columnIndex(_ ref: String) -> Int {
        Array(ref.utf8).withUnsafeBufferPointer { columnIndex($0, 0..<$0.count) }
    }

    /// The 0-based column of the cell reference in `p[range]` (`AB12` → 27).
    static func columnIndex(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var k = 0
        for i in range {
            let u = p[i]
            guard u >= UInt8(ascii: "A") && u <= UInt8(ascii: "Z") else { break }
            k = k * 26 + Int(u - UInt8(ascii: "A") + 1)
            if k > 1 << 20 { break }  // far outside any sheet (16,384 columns); refused by the caller
        }
        return k - 1
    }
}

/// A minimal scanner for the machine-written XML of workbooks: tag names, attributes, entities.
enum XMLScan {
    /// The tag starting at `i` (`<`): its local name with prefix (`r:id` kept, namespace `x:`
    /// prefixes of elements dropped), whether it closes or self-closes, and the index after `>`.
    /// Comments, processing instructions and declarations come back with an empty name.
    static func tagHeader(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> (String, Bool, Bool, Int) {
        let (range, closing, selfClosing, end) = tagHeaderRange(p, start)
        return (String(decoding: UnsafeBufferPointer(rebasing: p[range]), as: UTF8.self), closing, selfClosing, end)
    }

    /// A tag name of up to 8 bytes packed into an integer (``tagHeaderKey(_:_:)``); names the hot
    /// loops compare against without making a string per tag.
    static func key(_ name: StaticString) -> UInt64 {
        precondition(name.utf8CodeUnitCount <= 8, "tag keys hold names of up to 8 bytes")
        return name.withUTF8Buffer { pack($0, 0..<$0.count) }
    }

    private static func pack(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        // Longer names get a key no name of up to 8 bytes has (a 0xFF byte is never in UTF-8).
        guard range.count <= 8 else { return .max }
        var k: UInt64 = 0
        for (shift, i) in range.enumerated() { k |= UInt64(p[i]) << (8 * UInt64(shift)) }
        return k
    }

    /// ``tagHeader(_:_:)`` with the name as a ``key(_:)``.
    static func tagHeaderKey(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> (UInt64, Bool, Bool, Int) {
        let (range, closing, selfClosing, end) = tagHeaderRange(p, start)
        return (pack(p, range), closing, selfClosing, end)
    }

    /// ``tagHeader(_:_:)`` with the name as a byte range (empty for comments and declarations).
    static func tagHeaderRange(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> (Range<Int>, Bool, Bool, Int) {
        let n = p.count
        var i = start + 1
        if i < n, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "?") {
            while i < n, p[i] != UInt8(ascii: ">") { i += 1 }
            return (start..<start, false, false, min(n, i + 1))
        }
        let closing = i < n && p[i] == UInt8(ascii: "/")
        if closing { i += 1 }
        let nameStart = i
        var colon = -1
        while i < n, p[i] != UInt8(ascii: " "), p[i] != UInt8(ascii: ">"), p[i] != UInt8(ascii: "/"), p[i] != 9, p[i] != 10, p[i] != 13 {
            if p[i] == UInt8(ascii: ":") { colon = i }
            i += 1
        }
        let name = (colon >= 0 ? colon + 1 : nameStart)..<i
        var quote: UInt8 = 0
        while i < n {
            let c = p[i]
            if quote != 0 { if c == quote { quote = 0 } } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c } else if c == UInt8(ascii: ">") { break }
            i += 1
        }
        let selfClosing = i > start && p[i - 1] == UInt8(ascii: "/")
        return (name, closing, selfClosing, min(n, i + 1))
    }

    /// The byte range of the value of the one-letter attribute `key` (`r`, `t`, `s`) in the tag
    /// spanning `start..<end`, entities not decoded (cell attributes hold none).
    static func attributeRange(_ key: UInt8, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int>? {
        var i = start + 1
        while i < end {
            let c = p[i]
            if c == UInt8(ascii: " ") || c == 9 || c == 10 || c == 13 {
                i += 1
                if i + 2 < end, p[i] == key, p[i + 1] == UInt8(ascii: "="),
                    p[i + 2] == UInt8(ascii: "\"") || p[i + 2] == UInt8(ascii: "'")
                {
                    let q = p[i + 2]
                    var e = i + 3
                    while e < end, p[e] != q { e += 1 }
                    return (i + 3)..<e
                }
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {  // skip a quoted value
                i += 1
                while i < end, p[i] != c { i += 1 }
            }
            i += 1
        }
        return nil
    }

    /// The whole number written in ASCII digits in `p[range]` (at most 18 digits), or nil.
    static func digits(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var v = 0
        for i in range {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// The value of attribute `name` in the tag spanning `start..<end`, entities decoded.
    static func attribute(_ name: String, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        let key = Array(name.utf8)
        var i = start + 1
        while i < end {
            // An attribute name starts after whitespace.
            if p[i] == UInt8(ascii: " ") || p[i] == 9 || p[i] == 10 || p[i] == 13 {
                i += 1
                var k = 0
                while k < key.count, i + k < end, p[i + k] == key[k] { k += 1 }
                if k == key.count, i + k + 1 < end, p[i + k] == UInt8(ascii: "="),
                    p[i + k + 1] == UInt8(ascii: "\"") || p[i + k + 1] == UInt8(ascii: "'")
                {
                    let q = p[i + k + 1]
                    let s = i + k + 2
                    var e = s
                    while e < end, p[e] != q { e += 1 }
                    return decode(Array(p[s..<e]))
                }
                continue
            }
            if p[i] == UInt8(ascii: "\"") || p[i] == UInt8(ascii: "'") {  // skip a quoted value
                let q = p[i]
                i += 1
                while i < end, p[i] != q { i += 1 }
            }
            i += 1
        }
        return nil
    }

    /// Every start tag named `name` (local name) with its attributes.
    static func tags(named name: String, in b: [UInt8]) -> [[String: String]] {
        var out: [[String: String]] = []
        b.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                guard p[i] == UInt8(ascii: "<") else { i += 1; continue }
                let (tag, closing, _, end) = tagHeader(p, i)
                if tag == name && !closing {
                    var attributes: [String: String] = [:]
                    for key in ["name", "r:id", "Id", "Target", "numFmtId", "formatCode", "sheetId"] {
                        if let v = attribute(key, p, i, end) { attributes[key] = v }
                    }
                    out.append(attributes)
                }
                i = end
            }
        }
        return out
    }

    /// The byte range inside `<name …>…</name>`, if present.
    static func section(_ name: String, in b: [UInt8]) -> Range<Int>? {
        b.withUnsafeBufferPointer { p -> Range<Int>? in
            var i = 0, start: Int?
            while i < p.count {
                guard p[i] == UInt8(ascii: "<") else { i += 1; continue }
                let (tag, closing, selfClosing, end) = tagHeader(p, i)
                if tag == name {
                    if !closing && !selfClosing { start = end } else if closing, let s = start { return s..<i }
                }
                i = end
            }
            return nil
        }
    }

    /// Text with XML entities (`&amp;`, `&#12354;`, `&#x3042;`) decoded.
    static func decode(_ bytes: [UInt8]) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "&"), let semi = bytes[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                out.append(bytes[i]); i += 1; continue
            }
            let entity = String(decoding: bytes[(i + 1)..<semi], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            }
            guard let scalar else { out.append(bytes[i]); i += 1; continue }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            i = semi + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
