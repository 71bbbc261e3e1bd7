import Foundation

extension CSVTable {
    /// A table built from cells already read (a spreadsheet's sheet, a registry without a header),
    /// so that every check written for CSV files works on it unchanged.
    ///
    /// - Parameters:
    ///   - header: the column names (trimmed like a CSV header).
    ///   - rows: the data rows; each must have `header.count` values.
    ///   - rowNumbers: for each row, the 1-based row (line) number in the source, used in messages.
    ///   - source: the name used in messages (e.g. `名簿.xlsx, sheet Sheet1`).
    /// - Throws: ``TabularError`` `.raggedRow` naming the row when a row has the wrong width.
    public init(header: [String], rows: [[String]], rowNumbers: [Int], source: String) throws(TabularError) {
        precondition(rows.count == rowNumbers.count, "one row number per row")
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var lines: [UInt32] = []
        var ends: [UInt32] = []
        starts.reserveCapacity(rows.count)
        ends.reserveCapacity(rows.count * header.count)
        for (row, number) in zip(rows, rowNumbers) {
            guard row.count == header.count else {
                throw TabularError(
                    .raggedRow, source: source, line: number,
                    "expected \(header.count) fields, as in the header, but found \(row.count)", fix: nil)
            }
            let start = bytes.count
            starts.append(start)
            lines.append(UInt32(truncatingIfNeeded: number))
            for (k, value) in row.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                // Every field quoted, quotes doubled: `CSVScanner.fieldText` reads it back exactly.
                bytes.append(UInt8(ascii: "\""))
                for b in value.utf8 {
                    bytes.append(b)
                    if b == UInt8(ascii: "\"") { bytes.append(b) }
                }
                bytes.append(UInt8(ascii: "\""))
                ends.append(UInt32(truncatingIfNeeded: bytes.count - start))
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        self.source = source
        self.header = header.map { $0.trimmingCharacters(in: .whitespacesAndNewlines.union(["\u{FEFF}"])) }
        self.delimiter = .comma
        self.encoding = .utf8
        self.bytes = bytes
        self.rowStarts = starts
        self.rowLines = lines
        self.fieldEnds = ends
    }
}
