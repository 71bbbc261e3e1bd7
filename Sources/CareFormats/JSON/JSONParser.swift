import Foundation

/// Raised when text is not valid JSON (RFC 8259), with the position and the JSON path of the problem.
///
/// `description` reads `line 3, column 14 ($.features[12].geometry): unexpected character '}' (expected a value)`.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem, for callers that react to it; ``message`` is what users read.
    public enum Kind: Hashable, Sendable {
        case emptyDocument
        case unexpectedEnd
        case unexpectedCharacter
        case invalidLiteral
        case invalidNumber
        case numberOutOfRange
        case invalidEscape
        case controlCharacter
        case invalidUTF8
        case duplicateKey
        case nestingTooDeep
        case trailingContent
    }

    public let kind: Kind
    /// What went wrong and, where it helps, how to fix it.
    public let message: String
    /// 1-based line number (lines end at `\n`).
    public let line: Int
    /// 1-based column, counted in Unicode scalars (so `東京` is two columns); a leading BOM is not counted.
    public let column: Int
    /// 0-based byte offset from the start of the input (a BOM included).
    public let byteOffset: Int
    /// The innermost value being read: for a problem inside an array element, the element's path.
    public let path: JSONPath

    public var description: String {
        "line \(line), column \(column) (\(path)): \(message)"
    }
}

/// A byte-level JSON parser (RFC 8259) over UTF-8 input.
///
/// - A leading UTF-8 byte-order mark is skipped.
/// - Strings must be valid UTF-8; `\u` escapes may encode surrogate pairs, but an unpaired surrogate
///   is an error (a Swift `String` cannot hold it).
/// - Duplicate keys in one object are an error (RFC 8259 leaves them undefined; silently keeping one
///   would hide data problems).
/// - Numbers beyond the `Double` range (`1e400`) are an error; numbers that underflow read as 0.
///   `NaN`, `Infinity`, trailing commas, comments and single quotes are errors, with a message saying so.
/// - Arrays and objects may nest ``defaultMaximumDepth`` levels deep; deeper input is an error
///   rather than a stack overflow.
///
/// Errors carry line, column and JSON path; positions are computed only when an error occurs, so the
/// happy path stays a tight loop over bytes.
public enum JSONParser {
    /// The default limit on nested arrays and objects.
    public static let defaultMaximumDepth = 512

    /// Parses one JSON document.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = ByteParser(buffer, maximumDepth: maximumDepth)
            return Result { () throws(JSONParseError) -> JSONValue in try parser.parseDocument() }
        }.get()
    }

    /// Parses one JSON document.
    public static func parse(_ data: Data, maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        try data.withUnsafeBytes { raw in
            var parser = ByteParser(raw.bindMemory(to: UInt8.self), maximumDepth: maximumDepth)
            return Result { () throws(JSONParseError) -> JSONValue in try parser.parseDocument() }
        }.get()
    }

    /// Parses one JSON document held in a string.
    public static func parse(_ text: String, maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maximumDepth: maximumDepth)
    }
}

private enum ASCII {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let lowerE = UInt8(ascii: "e")
    static let upperE = UInt8(ascii: "E")
    static let lowerU = UInt8(ascii: "u")
    static let newline = UInt8(ascii: "\n")
}

private struct ByteParser {
    let b: UnsafeBufferPointer<UInt8>
    let n: Int
    /// First byte after the BOM, if any: where line 1, column 1 starts.
    let start: Int
    var i: Int
    let maximumDepth: Int
    var depth = 0
    var path: [JSONPath.Component] = []

    init(_ buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        b = buffer
        n = buffer.count
        let hasBOM = n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
        start = hasBOM ? 3 : 0
        i = start
        self.maximumDepth = maximumDepth
    }

    // MARK: Errors

    func error(_ kind: JSONParseError.Kind, _ message: String, at offset: Int) -> JSONParseError {
        var line = 1
        var lineStart = start
        var k = start
        while k < offset {
            if b[k] == ASCII.newline {
                line += 1
                lineStart = k + 1
            }
            k += 1
        }
        var column = 1
        for j in lineStart..<offset where b[j] & 0xC0 != 0x80 { column += 1 }
        return JSONParseError(
            kind: kind, message: message, line: line, column: column, byteOffset: offset, path: JSONPath(path))
    }

    func endOfInput(expected: String) -> JSONParseError {
        error(.unexpectedEnd, "unexpected end of input (expected \(expected)): the document is truncated", at: n)
    }

    /// The error for the byte at `i`, which is not what the grammar allows here.
    func unexpected(expected: String, hint: String? = nil) -> JSONParseError {
        guard let (text, _) = scalar(at: i) else {
            return invalidUTF8(at: i, inString: false)
        }
        var message = "unexpected character \(text) (expected \(expected))"
        if let hint { message += ": " + hint }
        return error(.unexpectedCharacter, message, at: i)
    }

    func invalidUTF8(at offset: Int, inString: Bool) -> JSONParseError {
        let hex = String(b[offset], radix: 16, uppercase: true)
        let place = inString ? " in a string" : ""
        return error(
            .invalidUTF8,
            "invalid UTF-8 byte 0x\(hex.count == 1 ? "0" + hex : hex)\(place): the file must be UTF-8 (convert Shift_JIS or other encodings to UTF-8)",
            at: offset)
    }

    /// The scalar starting at `offset`, quoted for a message (`'x'`, or `U+0000` when not printable),
    /// and its length in bytes; nil when the bytes there are not valid UTF-8.
    func scalar(at offset: Int) -> (String, Int)? {
        guard let length = utf8SequenceLength(at: offset) else { return nil }
        let s = String(decoding: UnsafeBufferPointer(rebasing: b[offset..<(offset + length)]), as: UTF8.self)
        let v = s.unicodeScalars.first!
        let printable: Bool
        switch v.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .surrogate,
            .privateUse, .unassigned:
            printable = false
        default:
            printable = true
        }
        if printable { return ("'\(s)'", length) }
        let hex = String(v.value, radix: 16, uppercase: true)
        return ("U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex, length)
    }

    /// Length of the valid UTF-8 sequence at `offset`, or nil (RFC 3629 well-formed sequences only:
    /// no overlongs, no surrogates, nothing beyond U+10FFFF).
    func utf8SequenceLength(at offset: Int) -> Int? {
        let c0 = b[offset]
        if c0 < 0x80 { return 1 }
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            offset + k < n && range.contains(b[offset + k])
        }
        switch c0 {
        case 0xC2...0xDF: return cont(1) ? 2 : nil
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : nil
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : nil
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : nil
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : nil
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : nil
        default: return nil
        }
    }

    /// Throws at the first invalid UTF-8 sequence in `range`.
    func validateUTF8(_ range: Range<Int>) throws(JSONParseError) {
        var k = range.lowerBound
        while k < range.upperBound {
            guard let length = utf8SequenceLength(at: k), k + length <= range.upperBound else {
                throw invalidUTF8(at: k, inString: true)
            }
            k += length
        }
    }

    // MARK: Grammar

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard i < n else {
            throw error(.emptyDocument, "the document is empty: expected a JSON value", at: i)
        }
        let value = try parseValue()
        skipWhitespace()
        if i < n {
            guard let (text, _) = scalar(at: i) else { throw invalidUTF8(at: i, inString: false) }
            throw error(
                .trailingContent,
                "unexpected character \(text) after the end of the JSON value: a document holds exactly one value",
                at: i)
        }
        return value
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < n {
            switch b[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard i < n else { throw endOfInput(expected: "a value") }
        switch b[i] {
        case ASCII.openBrace: return try parseObject()
        case ASCII.openBracket: return try parseArray()
        case ASCII.quote: return .string(try parseString())
        case ASCII.minus, 0x30...0x39: return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case let c where isASCIILetter(c):
            throw invalidWord(at: i)
        case UInt8(ascii: "'"):
            throw unexpected(expected: "a value", hint: "JSON strings use double quotes")
        case ASCII.slash:
            throw unexpected(expected: "a value", hint: "JSON has no comments")
        default:
            throw unexpected(expected: "a value")
        }
    }

    mutating func parseLiteral(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        let literal = UnsafeBufferPointer(start: word.utf8Start, count: count)
        var k = 0
        while k < count, i + k < n, b[i + k] == literal[k] { k += 1 }
        guard k == count, i + k >= n || !isASCIILetter(b[i + k]) else { throw invalidWord(at: i) }
        i += count
    }

    /// The error for a bare word such as `NaN`, `True` or `undefined` starting at `offset`.
    func invalidWord(at offset: Int) -> JSONParseError {
        var end = offset
        if end < n, b[end] == ASCII.minus { end += 1 }
        while end < n, isASCIILetter(b[end]) || isASCIIDigit(b[end]) || b[end] == UInt8(ascii: "_") { end += 1 }
        let word = String(decoding: UnsafeBufferPointer(rebasing: b[offset..<end]), as: UTF8.self)
        let bare = word.hasPrefix("-") ? String(word.dropFirst()) : word
        let message: String
        if ["nan", "infinity", "inf"].contains(bare.lowercased()) {
            message = "invalid literal '\(word)': JSON has no NaN or Infinity; write null or a finite number"
        } else if ["true", "false", "null"].contains(word.lowercased()) {
            message = "invalid literal '\(word)': JSON literals are lower case (true, false, null)"
        } else {
            message = "invalid literal '\(word)': expected a value (a string needs double quotes)"
        }
        return error(.invalidLiteral, message, at: offset)
    }

    // MARK: Containers

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maximumDepth {
            throw error(
                .nestingTooDeep,
                "arrays and objects nest deeper than \(maximumDepth) levels: the document is too deeply nested",
                at: i)
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        i += 1  // '['
        var elements: [JSONValue] = []
        skipWhitespace()
        if i < n, b[i] == ASCII.closeBracket {
            i += 1
            depth -= 1
            return .array(elements)
        }
        var index = 0
        while true {
            skipWhitespace()
            if index > 0, i < n, b[i] == ASCII.closeBracket {
                throw unexpected(expected: "a value", hint: "trailing commas are not allowed")
            }
            path.append(.index(index))
            elements.append(try parseValue())
            path.removeLast()
            skipWhitespace()
            guard i < n else { throw endOfInput(expected: "',' or ']'") }
            if b[i] == ASCII.comma {
                i += 1
                index += 1
            } else if b[i] == ASCII.closeBracket {
                i += 1
                break
            } else {
                throw unexpected(expected: "',' or ']'")
            }
        }
        depth -= 1
        return .array(elements)
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        i += 1  // '{'
        var object = JSONObject()
        skipWhitespace()
        if i < n, b[i] == ASCII.closeBrace {
            i += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard i < n else { throw endOfInput(expected: "a string key") }
            guard b[i] == ASCII.quote else {
                if b[i] == ASCII.closeBrace, !object.isEmpty {
                    throw unexpected(expected: "a string key", hint: "trailing commas are not allowed")
                }
                throw unexpected(expected: "a string key", hint: "object keys are strings in double quotes")
            }
            let keyOffset = i
            let key = try parseString()
            skipWhitespace()
            guard i < n else { throw endOfInput(expected: "':'") }
            guard b[i] == ASCII.colon else { throw unexpected(expected: "':'") }
            i += 1
            skipWhitespace()
            path.append(.key(key))
            let value = try parseValue()
            path.removeLast()
            guard object.appendIfAbsent(key, value) else {
                var quoted: [UInt8] = []
                JSONWriter.appendQuoted(key, to: &quoted)
                throw error(
                    .duplicateKey,
                    "duplicate key \(String(decoding: quoted, as: UTF8.self)) in an object: each key may appear only once",
                    at: keyOffset)
            }
            skipWhitespace()
            guard i < n else { throw endOfInput(expected: "',' or '}'") }
            if b[i] == ASCII.comma {
                i += 1
            } else if b[i] == ASCII.closeBrace {
                i += 1
                break
            } else {
                throw unexpected(expected: "',' or '}'")
            }
        }
        depth -= 1
        return .object(object)
    }

    // MARK: Strings

    mutating func parseString() throws(JSONParseError) -> String {
        let open = i
        i += 1  // '"'
        let segmentStart = i
        var ascii = true
        // Fast path: no escapes.
        while i < n {
            let c = b[i]
            if c == ASCII.quote {
                let range = segmentStart..<i
                i += 1
                let slice = UnsafeBufferPointer(rebasing: b[range])
                if ascii { return String(decoding: slice, as: UTF8.self) }
                if let s = String(validating: slice, as: UTF8.self) { return s }
                try validateUTF8(range)
                return String(decoding: slice, as: UTF8.self)  // not reached: validation threw
            }
            if c == ASCII.backslash { break }
            if c < 0x20 { throw controlCharacter(at: i) }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        guard i < n else { throw unterminatedString(openedAt: open) }
        // Slow path: copy segments, decoding escapes.
        try validateUTF8(segmentStart..<i)
        var out = Array(UnsafeBufferPointer(rebasing: b[segmentStart..<i]))
        while true {
            guard i < n else { throw unterminatedString(openedAt: open) }
            let c = b[i]
            if c == ASCII.quote {
                i += 1
                return String(decoding: out, as: UTF8.self)
            } else if c == ASCII.backslash {
                try parseEscape(into: &out)
            } else if c < 0x20 {
                throw controlCharacter(at: i)
            } else if c < 0x80 {
                out.append(c)
                i += 1
            } else {
                guard let length = utf8SequenceLength(at: i) else { throw invalidUTF8(at: i, inString: true) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<(i + length)]))
                i += length
            }
        }
    }

    func unterminatedString(openedAt open: Int) -> JSONParseError {
        let opening = error(.unexpectedEnd, "", at: open)
        return error(
            .unexpectedEnd,
            "unexpected end of input inside the string that starts at line \(opening.line), column \(opening.column): the document is truncated or a closing '\"' is missing",
            at: n)
    }

    func controlCharacter(at offset: Int) -> JSONParseError {
        let c = b[offset]
        let hex = String(c, radix: 16, uppercase: true)
        let named: [UInt8: String] = [0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"]
        let escape = named[c] ?? "\\u00" + (hex.count == 1 ? "0" + hex : hex)
        return error(
            .controlCharacter,
            "control character U+00\(hex.count == 1 ? "0" + hex : hex) in a string: write it as \(escape)",
            at: offset)
    }

    /// Decodes the escape at `i` (which is a backslash) and appends its UTF-8 bytes.
    mutating func parseEscape(into out: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = i
        i += 1
        guard i < n else { throw endOfInput(expected: "an escape character") }
        let c = b[i]
        i += 1
        switch c {
        case ASCII.quote, ASCII.backslash, ASCII.slash: out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case ASCII.lowerU:
            var value = try parseHex4(escapeStart: escapeStart)
            if (0xD800...0xDBFF).contains(value) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard i + 1 < n, b[i] == ASCII.backslash, b[i + 1] == ASCII.lowerU else {
                    throw unpairedSurrogate(at: escapeStart)
                }
                let lowStart = i
                i += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else { throw unpairedSurrogate(at: escapeStart) }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(value) {
                throw unpairedSurrogate(at: escapeStart)
            }
            out.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(value)!)!)
        default:
            let shown =
                c > 0x20 && c < 0x7F
                ? "'\\\(Character(Unicode.Scalar(c)))'"
                : "'\\' followed by " + (scalar(at: i - 1)?.0 ?? "byte 0x" + String(c, radix: 16, uppercase: true))
            throw error(
                .invalidEscape,
                "invalid escape \(shown) in a string: the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                at: escapeStart)
        }
    }

    /// Reads the four hex digits after `\u` (at `i`).
    mutating func parseHex4(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            guard i + k < n else { throw endOfInput(expected: "four hexadecimal digits after \\u") }
            let c = b[i + k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default:
                var end = i
                while end < i + 4, end < n, b[end] >= 0x20, b[end] < 0x80, b[end] != ASCII.quote { end += 1 }
                let shown = String(decoding: UnsafeBufferPointer(rebasing: b[escapeStart..<end]), as: UTF8.self)
                throw error(
                    .invalidEscape, "invalid escape \(shown) in a string: \\u needs four hexadecimal digits",
                    at: escapeStart)
            }
            value = value << 4 | digit
        }
        i += 4
        return value
    }

    func unpairedSurrogate(at offset: Int) -> JSONParseError {
        let shown = String(decoding: UnsafeBufferPointer(rebasing: b[offset..<min(offset + 6, n)]), as: UTF8.self)
        return error(
            .invalidEscape,
            "unpaired surrogate \(shown) in a string: a \\uD800–\\uDBFF escape must be followed by a \\uDC00–\\uDFFF escape",
            at: offset)
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> Double {
        let numberStart = i
        var negative = false
        if b[i] == ASCII.minus {
            negative = true
            i += 1
            guard i < n, isASCIIDigit(b[i]) else {
                if i < n, isASCIILetter(b[i]) { throw invalidWord(at: numberStart) }
                throw invalidNumber(numberStart, "expected a digit after '-'")
            }
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        if b[i] == ASCII.zero {
            i += 1
            if i < n, isASCIIDigit(b[i]) { throw invalidNumber(numberStart, "leading zeros are not allowed") }
        } else {
            while i < n, isASCIIDigit(b[i]) {
                mantissa = mantissa &* 10 &+ UInt64(b[i] - ASCII.zero)
                significantDigits += 1
                i += 1
            }
        }
        var fractionDigits = 0
        if i < n, b[i] == ASCII.dot {
            i += 1
            guard i < n, isASCIIDigit(b[i]) else { throw invalidNumber(numberStart, "expected a digit after '.'") }
            while i < n, isASCIIDigit(b[i]) {
                mantissa = mantissa &* 10 &+ UInt64(b[i] - ASCII.zero)
                if mantissa != 0 { significantDigits += 1 }
                fractionDigits += 1
                i += 1
            }
        }
        var hasExponent = false
        if i < n, b[i] == ASCII.lowerE || b[i] == ASCII.upperE {
            hasExponent = true
            i += 1
            if i < n, b[i] == ASCII.plus || b[i] == ASCII.minus { i += 1 }
            guard i < n, isASCIIDigit(b[i]) else {
                throw invalidNumber(numberStart, "expected a digit in the exponent")
            }
            while i < n, isASCIIDigit(b[i]) { i += 1 }
        }
        // Fast path (Clinger): at most 15 significant digits and a power of ten that is exact in a
        // Double make one correctly rounded division, hence the correctly rounded result.
        if !hasExponent, significantDigits <= 15, fractionDigits <= 15 {
            let magnitude = Double(mantissa) / JSONWriter.powersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[numberStart..<i]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error(
                .numberOutOfRange,
                "number '\(text)' is out of range: the largest magnitude a number may have is 1.7976931348623157e308",
                at: numberStart)
        }
        return value
    }

    func invalidNumber(_ numberStart: Int, _ reason: String) -> JSONParseError {
        var end = numberStart
        let numberBytes: Set<UInt8> = Set("0123456789+-.eE".utf8)
        while end < n, numberBytes.contains(b[end]) { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[numberStart..<end]), as: UTF8.self)
        return error(.invalidNumber, "invalid number '\(text)': \(reason)", at: numberStart)
    }
}
