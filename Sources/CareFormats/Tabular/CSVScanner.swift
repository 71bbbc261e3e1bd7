/// The byte-level CSV state machine behind ``CSVTable``. Not public.
///
/// Works on UTF-8 bytes: the delimiter, the double quote, CR and LF are ASCII and never occur
/// inside a multi-byte UTF-8 character, so fields can be found without decoding characters.
/// A record is described by where it starts and where each of its raw fields ends (relative to the
/// record's start); field text is made only when a caller asks for it.
struct CSVScanner {
    static let quote = UInt8(ascii: "\"")
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    let source: String
    /// The next byte to read.
    private(set) var position = 0
    /// The 1-based physical line of `position`.
    private(set) var line = 1

    init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, source: String) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.source = source
    }

    /// A scanned record: its first byte, its physical line and its number of fields.
    struct Record {
        let start: Int
        let line: Int
        let fieldCount: Int
    }

    /// Scans the next record, appending the end of each raw field (relative to the record's start)
    /// to `fieldEnds`. Lines with no characters at all are skipped. Returns nil at the end.
    mutating func nextRecord(appendingFieldEndsTo fieldEnds: inout [UInt32]) throws(TabularError) -> Record? {
        let count = bytes.count
        while position < count {
            let start = position
            let startLine = line
            var fields = 0
            var lastEnd = 0
            while true {
                if position < count && bytes[position] == Self.quote {
                    try scanQuotedField(fieldNumber: fields + 1)
                } else {
                    while position < count {
                        let byte = bytes[position]
                        if byte == delimiter || byte == Self.carriageReturn || byte == Self.lineFeed { break }
                        position += 1
                    }
                }
                lastEnd = position - start
                guard lastEnd <= Int(UInt32.max) else {
                    throw TabularError(
                        .raggedRow, source: source, line: startLine,
                        "a single row is longer than 4 GiB", fix: "is a double quote left open?")
                }
                fieldEnds.append(UInt32(truncatingIfNeeded: lastEnd))
                fields += 1
                guard position < count else { break }
                let byte = bytes[position]
                position += 1
                if byte == delimiter { continue }
                // A line break: CRLF, LF or a lone CR.
                if byte == Self.carriageReturn && position < count && bytes[position] == Self.lineFeed {
                    position += 1
                }
                line += 1
                break
            }
            if fields == 1 && lastEnd == 0 {
                fieldEnds.removeLast()  // a blank line
                continue
            }
            return Record(start: start, line: startLine, fieldCount: fields)
        }
        return nil
    }

    /// Scans `"…"` from the opening quote at `position` to just after the closing quote and any
    /// spaces that follow it.
    private mutating func scanQuotedField(fieldNumber: Int) throws(TabularError) {
        let count = bytes.count
        let openingLine = line
        position += 1
        while true {
            guard position < count else {
                throw TabularError(
                    .unclosedQuote, source: source, line: openingLine,
                    "the quoted value that starts on this line (field \(fieldNumber)) has no closing double quote before the end of the file",
                    fix: "close it, and write a double quote inside a quoted value as \"\""
                )
            }
            let byte = bytes[position]
            if byte == Self.quote {
                if position + 1 < count && bytes[position + 1] == Self.quote {
                    position += 2
                    continue
                }
                position += 1
                break
            }
            if byte == Self.lineFeed {
                line += 1
            } else if byte == Self.carriageReturn && !(position + 1 < count && bytes[position + 1] == Self.lineFeed) {
                line += 1
            }
            position += 1
        }
        // Tolerate spaces between the closing quote and the delimiter.
        while position < count && (bytes[position] == Self.space || (bytes[position] == Self.tab && delimiter != Self.tab)) {
            position += 1
        }
        if position < count {
            let byte = bytes[position]
            if byte != delimiter && byte != Self.carriageReturn && byte != Self.lineFeed {
                throw TabularError(
                    .textAfterClosingQuote, source: source, line: line,
                    "text after the closing double quote of field \(fieldNumber)",
                    fix: "a double quote inside a quoted value must be written twice (\"\")"
                )
            }
        }
    }

    /// The delimiter of the first non-blank line: whichever of `,` tab `;` occurs most often
    /// outside double quotes there (ties in that order); `,` when none occurs.
    static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let candidates = [UInt8(ascii: ","), tab, UInt8(ascii: ";")]
        var counts = [0, 0, 0]
        var index = 0
        while index < bytes.count && (bytes[index] == carriageReturn || bytes[index] == lineFeed) { index += 1 }
        var inQuotes = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                inQuotes.toggle()
            } else if !inQuotes {
                if byte == carriageReturn || byte == lineFeed { break }
                if let which = candidates.firstIndex(of: byte) { counts[which] += 1 }
            }
            index += 1
        }
        var best = 0
        for which in 1..<3 where counts[which] > counts[best] { best = which }
        return candidates[best]
    }

    /// The text of a raw field: a quoted field loses its quotes (and spaces after the closing one)
    /// and has `""` turned into `"`; any other field is returned as it is.
    static func fieldText(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        guard let first = raw.first, first == quote else { return String(decoding: raw, as: UTF8.self) }
        var close = raw.count - 1
        while close > 0 && raw[close] != quote { close -= 1 }
        let inner = UnsafeBufferPointer(rebasing: raw[1..<max(close, 1)])
        guard inner.contains(quote) else { return String(decoding: inner, as: UTF8.self) }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(inner.count)
        var index = 0
        while index < inner.count {
            unescaped.append(inner[index])
            index += inner[index] == quote ? 2 : 1
        }
        return String(decoding: unescaped, as: UTF8.self)
    }
}
