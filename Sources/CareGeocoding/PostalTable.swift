import CareFormats
import Foundation

/// Japan Post's postal-code table (郵便番号データ): postal code → municipality and 町域.
///
/// Accepted layouts, detected from the bytes:
/// - `KEN_ALL.CSV` as Japan Post publishes it: CP932, half-width kana, numbers unquoted, a long
///   町域 split over several consecutive rows (the first opens a bracket that a later row closes);
///   the rows are joined back before use;
/// - `utf_ken_all.csv`: the same 15 columns in UTF-8, full-width kana;
/// - a rebuilt file in that layout (UTF-8, every field quoted, long 町域 already joined).
///
/// Columns used (1-based): 1 全国地方公共団体コード (5 digits), 3 郵便番号 (7 digits), 7 都道府県名,
/// 8 市区町村名, 9 町域名. The 町域 `以下に掲載がない場合`, `…の次に番地がくる場合` and `…一円`
/// mean "no particular 町域" and are kept as nil; bracketed notes (`（次のビルを除く）`, `（１〜１９丁目）`)
/// are removed from the 町域 name.
///
/// A postal code may name several municipalities or several 町域 (one row each): ``entries(for:)``
/// gives all of them, and ``Geocoder`` resolves them with the address or reports the code as
/// ambiguous. Business postal codes (大口事業所個別番号, Japan Post's separate `JIGYOSYO.CSV`) are not
/// in this table; such a code is reported as unknown.
///
/// Thread safety: immutable once built; share it freely.
public struct PostalTable: Sendable {
    /// One (postal code, municipality, 町域) row.
    public struct Entry: Sendable, Hashable {
        /// The 7-digit postal code.
        public let postalCode: String
        /// The 5-digit municipality code.
        public let municipalityCode: String
        /// `東京都`.
        public let prefecture: String
        /// `文京区`, `横浜市中区`.
        public let municipality: String
        /// The 町域 (`千駄木`), nil when the row names none in particular.
        public let town: String?
    }

    /// The file's name, for messages.
    public let source: String
    /// Rows after joining split 町域 (one per code, municipality and 町域).
    public let count: Int
    private let byCode: [Int32: [Entry]]
    /// The distinct municipality codes of each postal code, sorted.
    private let municipalitiesByCode: [Int32: [String]]

    /// Reads a postal table file in any of the accepted layouts.
    ///
    /// - Throws: ``GeocodingDataError`` naming the file and line, or ``TabularError`` when the
    ///   file is not text.
    public init(contentsOf url: URL) throws {
        let decoded = try TextDecoding.decode(contentsOf: url)
        try self.init(text: decoded.text, source: url.lastPathComponent)
    }

    /// Reads a postal table from text; `source` names it in messages.
    public init(text: String, source: String) throws {
        self.source = source
        var map: [Int32: [Entry]] = [:]
        var rows = 0
        var pending: (fields: [String], line: Int)? = nil
        func flush(_ p: (fields: [String], line: Int)) {
            let f = p.fields
            let entry = Entry(postalCode: f[2], municipalityCode: f[0], prefecture: f[6], municipality: f[7],
                              town: PostalTable.cleanTown(f[8]))
            let key = Int32(f[2])!
            if !(map[key]?.contains(entry) ?? false) {
                map[key, default: []].append(entry)
                rows += 1
            }
        }
        var lineNumber = 0
        var utf8 = Array(text.utf8)
        if utf8.last != 0x0A { utf8.append(0x0A) }
        var lineStart = 0
        for position in utf8.indices where utf8[position] == 0x0A || utf8[position] == 0x0D {
            let isCRLFTail = utf8[position] == 0x0A && position > 0 && utf8[position - 1] == 0x0D
            if isCRLFTail { lineStart = position + 1; continue }
            let line = utf8[lineStart..<position]
            lineStart = position + 1
            lineNumber += 1
            if line.isEmpty { continue }
            let fields = PostalTable.splitLine(line)
            guard fields.count >= 9 else {
                throw GeocodingDataError(source: source, line: lineNumber,
                                         "has \(fields.count) fields; a postal table row in the KEN_ALL layout has 15",
                                         fix: "give Japan Post's KEN_ALL.CSV or utf_ken_all.csv (or a file in their layout)")
            }
            let code5 = fields[0], postal = fields[2]
            guard code5.utf8.count == 5, code5.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw GeocodingDataError(source: source, line: lineNumber,
                                         "column 1 is \"\(code5)\", not a 5-digit municipality code",
                                         fix: "give Japan Post's KEN_ALL.CSV layout (the jigyosyo or rome layouts are not postal → 町域 tables)")
            }
            guard postal.utf8.count == 7, postal.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw GeocodingDataError(source: source, line: lineNumber,
                                         "column 3 is \"\(postal)\", not a 7-digit postal code",
                                         fix: "give Japan Post's KEN_ALL.CSV layout")
            }
            // Japan Post splits a long 町域 over consecutive rows: the first opens "（", a later one closes it.
            if var p = pending, p.fields[2] == postal, p.fields[0] == code5 {
                p.fields[8] += fields[8]
                pending = p
                if PostalTable.bracketsBalanced(p.fields[8]) { flush(p); pending = nil }
                continue
            }
            if let p = pending { flush(p); pending = nil }
            if PostalTable.bracketsBalanced(fields[8]) {
                flush((fields, lineNumber))
            } else {
                pending = (fields, lineNumber)
            }
        }
        if let p = pending { flush(p) }
        guard rows > 0 else {
            throw GeocodingDataError(source: source, "has no rows", fix: "give Japan Post's KEN_ALL.CSV or utf_ken_all.csv")
        }
        self.byCode = map
        self.municipalitiesByCode = map.mapValues { Array(Set($0.map(\.municipalityCode))).sorted() }
        self.count = rows
    }

    /// Every row for a postal code (given in any form ``normalizePostalCode(_:)`` accepts); empty
    /// when the code is not in the table.
    public func entries(for postalCode: String) -> [Entry] {
        PostalTable.key(postalCode).flatMap { byCode[$0] } ?? []
    }

    /// The distinct municipality codes of a postal code, sorted.
    public func municipalityCodes(for postalCode: String) -> [String] {
        PostalTable.key(postalCode).flatMap { municipalitiesByCode[$0] } ?? []
    }

    func entries(key: Int32) -> [Entry] { byCode[key] ?? [] }
    func municipalityCodes(key: Int32) -> [String] { municipalitiesByCode[key] ?? [] }

    /// The 7 digits of a postal code (any form ``normalizePostalCode(_:)`` accepts) as one number;
    /// nil when it is not 7 digits. Allocates nothing.
    static func key(_ text: String) -> Int32? {
        var value: Int32 = 0, digits = 0
        for s in text.unicodeScalars {
            switch s.value {
            case 0x30...0x39: value = value * 10 + Int32(s.value - 0x30); digits += 1
            case 0xFF10...0xFF19: value = value * 10 + Int32(s.value - 0xFF10); digits += 1
            case 0x2D, 0xFF0D, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x30FC, 0x3012, 0x20, 0x3000: continue
            default: return nil
            }
            if digits > 7 { return nil }
        }
        return digits == 7 ? value : nil
    }

    /// The 7 digits of a postal code written as `113-8510`, `〒113-8510`, `1138510`, `１１３－８５１０`
    /// or `113 8510`; nil when it is not 7 digits.
    public static func normalizePostalCode(_ text: String) -> String? {
        var digits = ""
        for s in text.unicodeScalars {
            switch s.value {
            case 0x30...0x39: digits.unicodeScalars.append(s)
            case 0xFF10...0xFF19: digits.unicodeScalars.append(Unicode.Scalar(s.value - 0xFF10 + 0x30)!)
            case 0x2D, 0xFF0D, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x30FC, 0x3012, 0x20, 0x3000: continue
            default: return nil
            }
        }
        return digits.count == 7 ? digits : nil
    }

    /// Splits one CSV line (commas; double quotes optional, `""` inside quotes), trimming spaces.
    /// Fields after the ninth (flags, update codes: not used) are counted but left empty, which
    /// saves building a string for each of them on every one of Japan Post's 124,000 rows.
    static func splitLine(_ line: ArraySlice<UInt8>) -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(15)
        var current: [UInt8] = []
        var quoted = false
        var index = line.startIndex
        func finish() {
            if fields.count >= 9 {
                fields.append("")
                current.removeAll(keepingCapacity: true)
                return
            }
            var lower = current.startIndex, upper = current.endIndex
            while lower < upper, current[lower] == 0x20 { lower += 1 }
            while upper > lower, current[upper - 1] == 0x20 { upper -= 1 }
            fields.append(String(decoding: current[lower..<upper], as: UTF8.self))
            current.removeAll(keepingCapacity: true)
        }
        while index < line.endIndex {
            let byte = line[index]
            index += 1
            if quoted {
                if byte == 0x22 {
                    if index < line.endIndex, line[index] == 0x22 {
                        current.append(0x22)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == 0x2C {
                finish()
            } else if byte == 0x22, current.isEmpty {
                quoted = true
            } else {
                current.append(byte)
            }
        }
        finish()
        return fields
    }

    static func bracketsBalanced(_ text: String) -> Bool {
        var depth = 0
        for c in text.unicodeScalars {
            if c == "（" || c == "(" { depth += 1 }
            if c == "）" || c == ")" { depth -= 1 }
        }
        return depth <= 0
    }

    /// The 町域 without notes; nil when it names no 町域 in particular.
    static func cleanTown(_ text: String) -> String? {
        var t = text
        while t.unicodeScalars.contains(where: { $0 == "（" || $0 == "(" }), let open = t.firstIndex(where: { $0 == "（" || $0 == "(" }) {
            let close = t[open...].firstIndex(where: { $0 == "）" || $0 == ")" }).map { t.index(after: $0) } ?? t.endIndex
            t.removeSubrange(open..<close)
        }
        if t.isEmpty || t == "以下に掲載がない場合" || t.hasSuffix("の次に番地がくる場合") || t.hasSuffix("一円") { return nil }
        return t
    }
}
