import Foundation

/// A CSV file read whole: a header row and data rows, each row remembering its physical line.
///
/// The format is RFC 4180 with the tolerance real exports need:
/// - fields in double quotes may hold the delimiter, line breaks and doubled quotes (`""` → `"`);
///   spaces between a closing quote and the next delimiter are ignored; any other text after a
///   closing quote is an error (it almost always means an undoubled quote inside the value);
/// - a double quote inside an unquoted field is kept as it is;
/// - line breaks may be CRLF, LF or a lone CR, mixed;
/// - the delimiter is `,`, tab or `;`, detected from the header line (whichever occurs most often
///   outside quotes) unless given;
/// - lines with no characters at all are skipped wherever they are (a trailing empty line, a blank
///   line between rows); they still count for line numbers. In a one-column table an empty value
///   must therefore be written `""`;
/// - the first non-blank line is the header; its names are trimmed of white space (including the
///   ideographic space U+3000), and a byte-order mark never reaches the first name;
/// - every data row has as many fields as the header, or reading fails naming the line.
///
/// A file with a header and no data rows gives an empty table (`isEmpty`, `count == 0`); whether
/// that is an error is the caller's decision.
///
/// Rows are addressed by position (`table[0]`) and fields by ``Column``, which is looked up once by
/// name with ``column(_:)`` or ``columns(_:)``; a missing name is an error listing the columns that
/// exist. ``Row/lineNumber`` is the 1-based physical line on which the row starts, for messages.
///
/// Memory: the table holds the file's text once, as UTF-8, plus 4 bytes per field and 12 per row;
/// field strings are made when asked for. Reading holds the file's bytes (memory-mapped when
/// possible) and, for CP932 or UTF-16 files, one decoded copy until reading ends.
///
/// Thread safety: an immutable value; share it freely.
public struct CSVTable: Sendable, RandomAccessCollection {
    /// A field separator.
    public enum Delimiter: String, Sendable, Hashable, CaseIterable {
        /// `,` — CSV.
        case comma = ","
        /// Tab — TSV, and Excel's "Unicode text".
        case tab = "\t"
        /// `;` — CSV from spreadsheets set up for a decimal comma.
        case semicolon = ";"

        var byte: UInt8 { rawValue.utf8.first! }

        init(byte: UInt8) {
            self = Delimiter.allCases.first { $0.byte == byte } ?? .comma
        }

        /// How to name the delimiter in a message.
        var displayName: String { self == .tab ? "tab" : "\"\(rawValue)\"" }
    }

    /// A column found by name in the header.
    public struct Column: Hashable, Sendable, CustomStringConvertible {
        /// The header name, trimmed.
        public let name: String
        /// The 0-based position in the header.
        public let index: Int

        public var description: String { "\"\(name)\"" }
    }

    /// The name used for this table in messages (a file's last path component).
    public let source: String
    /// The header names, trimmed, in file order.
    public let header: [String]
    /// The delimiter used (detected or given).
    public let delimiter: Delimiter
    /// The encoding the file was read in.
    public let encoding: TextDecoding.DetectedEncoding

    /// The text, UTF-8, without byte-order mark.
    let bytes: [UInt8]
    /// For each data row: its first byte in `bytes`.
    let rowStarts: [Int]
    /// For each data row: its 1-based physical line.
    let rowLines: [UInt32]
    /// For each field of each data row (row-major): where its raw text ends, relative to the
    /// row's start. A field starts one byte after the end of the previous one (the delimiter).
    let fieldEnds: [UInt32]

    /// Reads a CSV file.
    ///
    /// - Parameters:
    ///   - url: the file; messages name it by its last path component.
    ///   - encoding: `.auto` to detect UTF-8 or CP932 (see ``TextDecoding``), or the encoding to use.
    ///   - delimiter: nil to detect it from the header line, or the delimiter to use.
    /// - Throws: ``TabularError`` naming the file and, where there is one, the line.
    public init(contentsOf url: URL, encoding: TextDecoding.Encoding = .auto, delimiter: Delimiter? = nil)
        throws(TabularError)
    {
        try self.init(
            data: TextDecoding.readFile(url), source: url.lastPathComponent, encoding: encoding, delimiter: delimiter)
    }

    /// Reads CSV from a file's bytes; `source` names it in messages.
    public init(
        data: Data, source: String, encoding: TextDecoding.Encoding = .auto, delimiter: Delimiter? = nil
    ) throws(TabularError) {
        let (bytes, detected) = try TextDecoding.decodeToUTF8(data, encoding: encoding, source: source)
        try self.init(utf8: bytes, source: source, encoding: detected, delimiter: delimiter)
    }

    /// Reads CSV from text; `source` names it in messages. A leading byte-order mark is dropped.
    public init(text: String, source: String, delimiter: Delimiter? = nil) throws(TabularError) {
        var bytes = Array(text.utf8)
        var markLength = 0
        while bytes.count >= markLength + 3, bytes[markLength..<markLength + 3].elementsEqual([0xEF, 0xBB, 0xBF]) {
            markLength += 3
        }
        bytes.removeFirst(markLength)
        if let mark = bytes.withUnsafeBufferPointer({ TextDecoding.firstByteOrderMark($0) }) {
            let line = bytes.withUnsafeBufferPointer { TextDecoding.lineNumber(atOffset: mark, in: $0) }
            throw TabularError(
                .byteOrderMarkInside, source: source, line: line,
                "byte-order mark (U+FEFF) inside the text, as when files are concatenated", fix: "delete the mark")
        }
        try self.init(utf8: bytes, source: source, encoding: .utf8, delimiter: delimiter)
    }

    private init(
        utf8 bytes: [UInt8], source: String, encoding: TextDecoding.DetectedEncoding, delimiter: Delimiter?
    ) throws(TabularError) {
        let parsed = try bytes.withUnsafeBufferPointer { buffer throws(TabularError) in
            try CSVTable.parse(buffer, source: source, delimiter: delimiter)
        }
        self.source = source
        self.header = parsed.header
        self.delimiter = parsed.delimiter
        self.encoding = encoding
        self.bytes = bytes
        self.rowStarts = parsed.rowStarts
        self.rowLines = parsed.rowLines
        self.fieldEnds = parsed.fieldEnds
    }

    private struct Parsed {
        var header: [String] = []
        var delimiter: Delimiter = .comma
        var rowStarts: [Int] = []
        var rowLines: [UInt32] = []
        var fieldEnds: [UInt32] = []
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, source: String, delimiter: Delimiter?)
        throws(TabularError) -> Parsed
    {
        var parsed = Parsed()
        parsed.delimiter = delimiter ?? Delimiter(byte: CSVScanner.detectDelimiter(bytes))
        var scanner = CSVScanner(bytes: bytes, delimiter: parsed.delimiter.byte, source: source)

        var headerEnds: [UInt32] = []
        guard let headerRecord = try scanner.nextRecord(appendingFieldEndsTo: &headerEnds) else {
            throw TabularError(
                .emptyFile, source: source, "file is empty: expected a header row such as area_code,patients")
        }
        parsed.header = (0..<headerRecord.fieldCount).map { column in
            let start = headerRecord.start + (column == 0 ? 0 : Int(headerEnds[column - 1]) + 1)
            let end = headerRecord.start + Int(headerEnds[column])
            let name = CSVScanner.fieldText(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            return name.trimmingCharacters(in: .whitespacesAndNewlines.union(["\u{FEFF}"]))
        }

        let width = headerRecord.fieldCount
        let maximumRows = InputLimits.maximumCSVRows
        while let record = try scanner.nextRecord(appendingFieldEndsTo: &parsed.fieldEnds) {
            guard parsed.rowStarts.count < maximumRows else {
                throw TabularError(
                    .tooLarge, source: source, line: record.line,
                    "more than \(maximumRows) data rows, the limit for a CSV file",
                    fix: "reduce the file to the rows the study needs, or raise the limit with CAREATLAS_MAX_CSV_ROWS=<rows> if the machine has the memory")
            }
            guard record.fieldCount == width else {
                throw raggedRowError(
                    found: record.fieldCount, expected: width, line: record.line, headerLine: headerRecord.line,
                    delimiter: parsed.delimiter, source: source)
            }
            parsed.rowStarts.append(record.start)
            parsed.rowLines.append(UInt32(truncatingIfNeeded: record.line))
        }
        return parsed
    }

    private static func raggedRowError(
        found: Int, expected: Int, line: Int, headerLine: Int, delimiter: Delimiter, source: String
    ) -> TabularError {
        let fields = expected == 1 ? "1 field" : "\(expected) fields"
        let fix: String
        if expected == 1 {
            fix = "the header on line \(headerLine) has a single field: if that line is a title, delete the lines above the header, or set the delimiter"
        } else if found > expected {
            fix = "a value that contains \(delimiter.displayName) must be in double quotes"
        } else {
            fix = "is a \(delimiter.displayName) missing, or does a value with a line break lack its double quotes?"
        }
        return TabularError(
            .raggedRow, source: source, line: line, "expected \(fields), as in the header, but found \(found)", fix: fix)
    }

    // MARK: - Columns

    /// The column with this header name (compared exactly, after trimming the header).
    ///
    /// - Throws: ``TabularError`` `.missingColumn` listing the columns that exist, or
    ///   `.ambiguousColumn` when the name appears more than once.
    public func column(_ name: String) throws(TabularError) -> Column {
        try columns([name])[0]
    }

    /// The columns with these names, checked together: one error names every missing column.
    public func columns(_ names: [String]) throws(TabularError) -> [Column] {
        var missing: [String] = []
        var found: [Column] = []
        for name in names {
            let positions = header.indices.filter { header[$0] == name }
            if positions.isEmpty {
                missing.append(name)
            } else if positions.count > 1 {
                let list = positions.map { String($0 + 1) }.joined(separator: ", ")
                throw TabularError(
                    .ambiguousColumn, source: source,
                    "column \"\(name)\" appears \(positions.count) times in \(source) (columns \(list))",
                    fix: "rename them so that each name is unique", detailNamesSource: true)
            } else {
                found.append(Column(name: name, index: positions[0]))
            }
        }
        guard missing.isEmpty else {
            let quoted = missing.map { "\"\($0)\"" }.joined(separator: ", ")
            let noun = missing.count == 1 ? "column" : "columns"
            throw TabularError(
                .missingColumn, source: source, "\(noun) \(quoted) not found in \(source)",
                fix: "columns are: \(header.joined(separator: ", "))", detailNamesSource: true)
        }
        return found
    }

    // MARK: - Rows

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowStarts.count }

    /// The data row at a 0-based position (the header is not a row).
    public subscript(position: Int) -> Row {
        precondition(position >= 0 && position < rowStarts.count, "row \(position) is out of range 0..<\(rowStarts.count)")
        return Row(table: self, index: position)
    }

    /// One data row.
    public struct Row: Sendable {
        let table: CSVTable
        /// The 0-based position among the data rows.
        public let index: Int

        /// The 1-based physical line in the file on which the row starts.
        public var lineNumber: Int { Int(table.rowLines[index]) }

        /// The value in a column.
        public subscript(column: Column) -> String { self[column.index] }

        /// The value at a 0-based field position.
        public subscript(fieldIndex: Int) -> String {
            precondition(fieldIndex >= 0 && fieldIndex < table.header.count, "field \(fieldIndex) is out of range")
            return table.field(row: index, column: fieldIndex)
        }

        /// All values, in header order.
        public var fields: [String] { (0..<table.header.count).map { table.field(row: index, column: $0) } }
    }

    func field(row: Int, column: Int) -> String {
        let width = header.count
        let base = rowStarts[row]
        let slot = row * width + column
        let start = base + (column == 0 ? 0 : Int(fieldEnds[slot - 1]) + 1)
        let end = base + Int(fieldEnds[slot])
        return bytes.withUnsafeBufferPointer { CSVScanner.fieldText(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }
}
