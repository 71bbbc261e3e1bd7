import Foundation

/// A problem in a dBASE table: `<file>, record <n>, field "<name>": <detail>; <fix>`.
public struct DBFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (its last path component).
    public let source: String
    /// The 1-based record number, when the problem is in one record.
    public let record: Int?
    /// The field, when the problem is in one field.
    public let field: String?
    /// What is wrong.
    public let detail: String
    /// What to do about it.
    public let fix: String?

    public var description: String {
        var location = [source]
        if let record { location.append("record \(record)") }
        if let field { location.append("field \"\(field)\"") }
        return ProblemText.format(source: location.joined(separator: ", "), line: nil, detail, fix: fix)
    }
}

/// The attribute table of a shapefile (`.dbf`, dBASE III and its later variants), read whole.
///
/// This is the table e-Stat publishes with its small-area boundaries (census attribute tables:
/// `KEY_CODE`, `KEN_NAME`, `GST_NAME`, `MOJI`, `JINKO`, `X_CODE`, `Y_CODE`, `HCODE`), read without
/// GDAL. Supported:
/// - the 32-byte header (version byte, record count, header and record lengths, language driver);
/// - 32-byte field descriptors up to the `0x0D` terminator; field types `C` (text), `N` and `F`
///   (numbers written as ASCII text), and `L`, `D` and others read as text;
/// - the deletion flag of each record (`*` = deleted; ``Record/isDeleted``);
/// - text in CP932 (what e-Stat and Japanese GIS tools write; language driver `0x13`) or UTF-8,
///   detected (`.auto`): a `.cpg` file beside the table naming UTF-8 or 932/SJIS decides; else the
///   text fields are read as UTF-8 when all of them are valid UTF-8, else as CP932.
///
/// Values are trimmed of the padding spaces and NULs dBASE writes. A blank number is "no data"
/// (`nil`), never 0. Problems (a truncated file, a field that overruns the record, a number that is
/// not a number, text that is neither UTF-8 nor CP932) are ``DBFError``s naming the file, the record
/// and the field.
///
/// Thread safety: an immutable value; share it freely.
public struct DBFTable: Sendable {
    /// One column of the table.
    public struct Field: Sendable, Hashable {
        /// The name, up to 10 ASCII characters (as stored; not case-folded).
        public let name: String
        /// The dBASE type letter: `C`, `N`, `F`, `L`, `D`, …
        public let type: Character
        /// Width in bytes.
        public let length: Int
        /// Digits after the decimal point (numbers).
        public let decimalCount: Int
        /// Offset of the field inside a record (the deletion flag is byte 0).
        let offset: Int
    }

    /// The table's name in messages (the file's last path component).
    public let source: String
    /// The fields in file order.
    public let fields: [Field]
    /// The number of records, deleted ones included.
    public let count: Int
    /// The encoding the text fields are read in (`.utf8` or `.cp932`).
    public let encoding: TextDecoding.DetectedEncoding
    private let bytes: [UInt8]
    private let headerLength: Int
    private let recordLength: Int

    /// Reads the table at `url`. A `.cpg` file beside it (`UTF-8`, `932`, `SJIS`, `CP932`)
    /// overrides detection when `encoding` is `.auto`.
    public init(contentsOf url: URL, encoding: TextDecoding.Encoding = .auto) throws(DBFError) {
        let source = url.lastPathComponent
        let data: Data
        do { data = try InputFile.read(url, kind: .csv) } catch {
            throw DBFError(source: source, record: nil, field: nil, detail: error.message, fix: error.fix)
        }
        var chosen = encoding
        if encoding == .auto,
           let cpg = try? String(contentsOf: url.deletingPathExtension().appendingPathExtension("cpg"), encoding: .utf8)
        {
            let name = cpg.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            if name.contains("UTF") && name.contains("8") { chosen = .utf8 }
            if ["932", "CP932", "SJIS", "SHIFT_JIS", "SHIFT-JIS", "WINDOWS-31J"].contains(name) { chosen = .cp932 }
        }
        try self.init(data: data, source: source, encoding: chosen)
    }

    /// Reads a table from its bytes; `source` names it in messages.
    public init(data: Data, source: String, encoding: TextDecoding.Encoding = .auto) throws(DBFError) {
        let bytes = [UInt8](data)
        func fail(_ detail: String, fix: String? = nil) -> DBFError {
            DBFError(source: source, record: nil, field: nil, detail: detail, fix: fix)
        }
        guard bytes.count >= 33 else {
            throw fail("the file has \(bytes.count) bytes, fewer than a dBASE header (32 bytes and a terminator)",
                       fix: "give the .dbf of the shapefile, complete")
        }
        let version = bytes[0] & 0x07
        guard version == 3 || version == 4 || version == 5 else {
            throw fail(String(format: "the first byte 0x%02X is not a dBASE III/IV/5 version byte", bytes[0]),
                       fix: "give a dBASE (.dbf) file, the attribute table of a shapefile")
        }
        let count = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let recordLength = Int(bytes[10]) | Int(bytes[11]) << 8
        guard headerLength >= 33, headerLength <= bytes.count, recordLength >= 1 else {
            throw fail("the header says it is \(headerLength) bytes long with records of \(recordLength) bytes, which is impossible for this file of \(bytes.count) bytes",
                       fix: "the file is damaged; export the table again")
        }
        var fields: [Field] = []
        var position = 32
        var offset = 1
        while position < headerLength, bytes[position] != 0x0D {
            guard position + 32 <= headerLength else {
                throw fail("the field descriptors run past the header (\(headerLength) bytes) without the 0x0D terminator",
                           fix: "the file is damaged; export the table again")
            }
            let nameBytes = bytes[position..<position + 11].prefix { $0 != 0 }
            let name = String(decoding: nameBytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let type = Character(Unicode.Scalar(bytes[position + 11]))
            let length = Int(bytes[position + 16])
            let decimals = Int(bytes[position + 17])
            fields.append(Field(name: name, type: type, length: length, decimalCount: decimals, offset: offset))
            offset += length
            position += 32
        }
        guard offset <= recordLength else {
            throw fail("the fields add up to \(offset) bytes per record (with the deletion flag) but records are \(recordLength) bytes",
                       fix: "the file is damaged; export the table again")
        }
        let needed = headerLength + count * recordLength
        guard needed <= bytes.count else {
            let complete = (bytes.count - headerLength) / recordLength
            throw DBFError(source: source, record: complete + 1, field: nil,
                           detail: "the file ends inside record \(complete + 1) of \(count): it has \(bytes.count) bytes, \(needed) are needed",
                           fix: "the file was cut short; copy or download it again")
        }
        self.source = source
        self.fields = fields
        self.count = count
        self.bytes = bytes
        self.headerLength = headerLength
        self.recordLength = recordLength

        switch encoding {
        case .utf8: self.encoding = .utf8
        case .cp932: self.encoding = .cp932
        case .auto:
            // Language driver 0x13 is Japanese (CP932); otherwise UTF-8 if every text field is valid UTF-8.
            if bytes[29] == 0x13 {
                self.encoding = .cp932
            } else {
                var valid = true
                let textFields = fields.filter { $0.type == "C" }
                outer: for record in 0..<count {
                    let base = headerLength + record * recordLength
                    for field in textFields {
                        let slice = bytes[(base + field.offset)..<(base + field.offset + field.length)]
                        if slice.contains(where: { $0 >= 0x80 }), String(validating: slice, as: UTF8.self) == nil {
                            valid = false
                            break outer
                        }
                    }
                }
                self.encoding = valid ? .utf8 : .cp932
            }
        }
    }

    /// The position of the field named `name` (exact, case-sensitive).
    ///
    /// - Throws: ``DBFError`` listing the fields that exist.
    public func fieldIndex(_ name: String) throws(DBFError) -> Int {
        guard let index = fields.firstIndex(where: { $0.name == name }) else {
            throw DBFError(source: source, record: nil, field: nil,
                           detail: "no field \"\(name)\"",
                           fix: "fields are: \(fields.map(\.name).joined(separator: ", "))")
        }
        return index
    }

    /// Whether record `record` (0-based) carries the deletion flag `*`.
    public func isDeleted(_ record: Int) -> Bool {
        bytes[headerLength + record * recordLength] == 0x2A
    }

    /// The value of a field as text, trimmed of padding (spaces, NULs); empty when blank.
    ///
    /// - Throws: ``DBFError`` when the bytes are not valid in the table's encoding.
    public func text(_ record: Int, _ field: Int) throws(DBFError) -> String {
        let f = fields[field]
        let start = headerLength + record * recordLength + f.offset
        var lower = start, upper = start + f.length
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0 { upper -= 1 }
        if lower == upper { return "" }
        let ascii = !bytes[lower..<upper].contains { $0 >= 0x80 }
        if ascii || encoding != .cp932 {
            if !ascii, String(validating: bytes[lower..<upper], as: UTF8.self) == nil {
                throw DBFError(source: source, record: record + 1, field: f.name,
                               detail: "the text is not valid UTF-8", fix: "save the table in UTF-8 or CP932 throughout")
            }
            return String(decoding: bytes[lower..<upper], as: UTF8.self)
        }
        let decoded = bytes.withUnsafeBufferPointer { CP932.decode(UnsafeBufferPointer(rebasing: $0[lower..<upper])) }
        switch decoded {
        case .success(let utf8): return String(decoding: utf8, as: UTF8.self)
        case .failure(let failure):
            throw DBFError(source: source, record: record + 1, field: f.name,
                           detail: String(format: "byte 0x%02X at position %d of the value is not valid CP932 (Shift_JIS)",
                                          bytes[lower + failure.offset], failure.offset + 1),
                           fix: "save the table in CP932 or UTF-8 throughout")
        }
    }

    /// The value of a numeric field; nil when blank ("no data", never 0).
    ///
    /// - Throws: ``DBFError`` when the text is not a decimal number (or is the `*` overflow fill).
    public func number(_ record: Int, _ field: Int) throws(DBFError) -> Double? {
        let f = fields[field]
        let start = headerLength + record * recordLength + f.offset
        var lower = start, upper = start + f.length
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0 { upper -= 1 }
        if lower == upper { return nil }
        let text = String(decoding: bytes[lower..<upper], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            let overflow = text.allSatisfy { $0 == "*" }
            throw DBFError(source: source, record: record + 1, field: f.name,
                           detail: overflow ? "the value overflowed its field width (\(f.length)) and was written as asterisks"
                               : "\"\(text)\" is not a number",
                           fix: overflow ? "export the table again with a wider field" : "numeric fields hold decimal numbers such as 139.88549")
        }
        return value
    }
}
