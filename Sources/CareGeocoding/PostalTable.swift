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
        let decoded = try TextDecoding.decodeToUTF8(contentsOf: url)
        try self.init(utf8: decoded.bytes, source: url.lastPathComponent)
    }

    /// Reads a postal table from text; `source` names it in messages.
    public init(text: String, source: String) throws {
        try self.init(utf8: Array(text.utf8), source: source)
    }

    /// Reads a postal table from UTF-8 bytes (checked by the caller). Works on bytes: a `String` is
    /// made only for the five columns kept, and the prefecture, municipality and code of a row are
    /// the previous row's strings when their bytes are the same (Japan Post's rows come grouped
    /// by municipality), so the 124,000 rows make few strings besides their 町域.
    init(utf8 input: [UInt8], source: String) throws {
        self.source = source
        var map: [Int32: [Entry]] = [:]
        var rows = 0
        // A row waiting for the rest of its split 町域: its fields, and its 町域 so far (bytes).
        var pending: (entry: (code: String, postal: String, prefecture: String, municipality: String), key: Int32, town: [UInt8])? = nil
        func flush(_ p: (entry: (code: String, postal: String, prefecture: String, municipality: String), key: Int32, town: [UInt8])) {
            let entry = Entry(postalCode: p.entry.postal, municipalityCode: p.entry.code, prefecture: p.entry.prefecture,
                              municipality: p.entry.municipality, town: PostalTable.cleanTown(p.town))
            if !(map[p.key]?.contains(entry) ?? false) {
                map[p.key, default: []].append(entry)
                rows += 1
            }
        }
        let utf8 = input, n = input.count
        var fields = SplitLine()
        var previousCode: [UInt8] = [], previousPrefecture: [UInt8] = [], previousMunicipality: [UInt8] = []
        var codeText = "", prefectureText = "", municipalityText = ""
        var lineNumber = 0
        var lineStart = 0
        // Lines end at LF, CR or CRLF; the last one may have no end.
        while lineStart < n {
            var end = lineStart
            while end < n, utf8[end] != 0x0A, utf8[end] != 0x0D { end += 1 }
            let line = utf8[lineStart..<end]
            lineStart = end + (end + 1 < n && utf8[end] == 0x0D && utf8[end + 1] == 0x0A ? 2 : 1)
            lineNumber += 1
            if line.isEmpty { continue }
            fields.split(line)
            guard fields.count >= 9 else {
                throw GeocodingDataError(source: source, line: lineNumber,
                                         "has \(fields.count) fields; a postal table row in the KEN_ALL layout has 15",
                                         fix: "give Japan Post's KEN_ALL.CSV or utf_ken_all.csv (or a file in their layout)")
            }
            let code5 = fields[0], postal = fields[2]
            guard code5.count == 5, code5.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw GeocodingDataError(source: source, line: lineNumber,
                                         "column 1 is \"\(String(decoding: code5, as: UTF8.self))\", not a 5-digit municipality code",
                                         fix: "give Japan Post's KEN_ALL.CSV layout (the jigyosyo or rome layouts are not postal → 町域 tables)")
            }
            guard postal.count == 7, postal.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw GeocodingDataError(source: source, line: lineNumber,
                                         "column 3 is \"\(String(decoding: postal, as: UTF8.self))\", not a 7-digit postal code",
                                         fix: "give Japan Post's KEN_ALL.CSV layout")
            }
            let key = postal.reduce(Int32(0)) { $0 * 10 + Int32($1 &- 0x30) }
            let postalText = String(decoding: postal, as: UTF8.self)
            // Japan Post splits a long 町域 over consecutive rows: the first opens "（", a later one closes it.
            if var p = pending, p.entry.postal == postalText, p.entry.code.utf8.elementsEqual(code5) {
                p.town += fields[8]
                pending = p
                if PostalTable.bracketsBalanced(p.town) { flush(p); pending = nil }
                continue
            }
            if let p = pending { flush(p); pending = nil }
            if !previousCode.elementsEqual(code5) { previousCode = Array(code5); codeText = String(decoding: code5, as: UTF8.self) }
            if !previousPrefecture.elementsEqual(fields[6]) {
                previousPrefecture = Array(fields[6]); prefectureText = String(decoding: fields[6], as: UTF8.self)
            }
            if !previousMunicipality.elementsEqual(fields[7]) {
                previousMunicipality = Array(fields[7]); municipalityText = String(decoding: fields[7], as: UTF8.self)
            }
            let row = (entry: (code: codeText, postal: postalText, prefecture: prefectureText, municipality: municipalityText),
                       key: key, town: Array(fields[8]))
            if PostalTable.bracketsBalanced(row.town) {
                flush(row)
            } else {
                pending = row
            }
        }
        if let p = pending { flush(p) }
        guard rows > 0 else {
            throw GeocodingDataError(source: source, "has no rows", fix: "give Japan Post's KEN_ALL.CSV or utf_ken_all.csv")
        }
        self.byCode = map
        self.municipalitiesByCode = map.mapValues { entries in
            entries.count == 1 ? [entries[0].municipalityCode] : Array(Set(entries.map(\.municipalityCode))).sorted()
        }
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
            case 0xFF10...0xFF19: digits.unicodeScalars.append(Unicode.Scalar(UInt8(s.value - 0xFF10 + 0x30)))
            case 0x2D, 0xFF0D, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x30FC, 0x3012, 0x20, 0x3000: continue
            default: return nil
            }
        }
        return digits.count == 7 ? digits : nil
    }

    /// The fields of one CSV line (commas; double quotes optional, `""` inside quotes), trimmed of
    /// spaces, as byte slices of one buffer reused from line to line. Fields after the ninth
    /// (flags, update codes: not used) are counted but not kept.
    struct SplitLine {
        private var buffer: [UInt8] = []
        private var ranges: [Range<Int>] = []
        /// The number of fields of the last line split.
        private(set) var count = 0

        /// The bytes of field `i` (0-based, below 9).
        subscript(_ i: Int) -> ArraySlice<UInt8> { buffer[ranges[i]] }

        mutating func split(_ line: ArraySlice<UInt8>) {
            buffer.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
            count = 0
            var start = 0
            var quoted = false
            func finish() {
                count += 1
                if ranges.count < 9 {
                    var lower = start, upper = buffer.count
                    while lower < upper, buffer[lower] == 0x20 { lower += 1 }
                    while upper > lower, buffer[upper - 1] == 0x20 { upper -= 1 }
                    ranges.append(lower..<upper)
                } else {
                    buffer.removeSubrange(start...)
                }
                start = buffer.count
            }
            var index = line.startIndex
            while index < line.endIndex {
                let byte = line[index]
                index += 1
                if quoted {
                    if byte == 0x22 {
                        if index < line.endIndex, line[index] == 0x22 {
                            buffer.append(0x22)
                            index += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        buffer.append(byte)
                    }
                } else if byte == 0x2C {
                    finish()
                } else if byte == 0x22, buffer.count == start {
                    quoted = true
                } else {
                    buffer.append(byte)
                }
            }
            finish()
        }
    }

    /// Whether every opened bracket (`（`, `(`) of a 町域 is closed (`）`, `)`).
    static func bracketsBalanced(_ utf8: [UInt8]) -> Bool {
        var depth = 0
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b == 0x28 { depth += 1 } else if b == 0x29 { depth -= 1 }
            // （ is EF BC 88, ） is EF BC 89.
            else if b == 0xEF, i + 2 < utf8.count, utf8[i + 1] == 0xBC {
                if utf8[i + 2] == 0x88 { depth += 1 } else if utf8[i + 2] == 0x89 { depth -= 1 }
            }
            i += 1
        }
        return depth <= 0
    }

    /// The 町域 of UTF-8 bytes, as the `String` form gives it. Most 町域 have no bracket and do not end in 合
    /// or 円 (the last scalar of every phrase that means "no 町域"): they are the text as it is,
    /// and only the others go through the string path.
    static func cleanTown(_ utf8: [UInt8]) -> String? {
        if utf8.isEmpty { return nil }
        let hasBracket = utf8.contains(0x28) || utf8.contains(0x29) || utf8.indices.contains { i in
            utf8[i] == 0xEF && i + 2 < utf8.count && utf8[i + 1] == 0xBC && (utf8[i + 2] == 0x88 || utf8[i + 2] == 0x89)
        }
        // 合 U+5408 is E5 90 88, 円 U+5186 is E5 86 86.
        let tail = utf8.suffix(3)
        let endsLikeANote = tail.elementsEqual([0xE5, 0x90, 0x88]) || tail.elementsEqual([0xE5, 0x86, 0x86])
        let text = String(decoding: utf8, as: UTF8.self)
        return hasBracket || endsLikeANote ? cleanTown(text) : text
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
