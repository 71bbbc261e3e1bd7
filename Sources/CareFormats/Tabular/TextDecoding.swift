import Foundation

/// Turns the bytes of a text file from a hospital system or Japanese Excel into text.
///
/// Detection (`encoding: .auto`), in this order:
/// 1. an Excel workbook (`.xlsx`, `.xls`) is refused with a note on how to save it as CSV;
/// 2. a UTF-16 byte-order mark (`FF FE` or `FE FF`, Excel's "Unicode text") → UTF-16;
/// 3. a UTF-8 byte-order mark (`EF BB BF`, Excel's "CSV UTF-8") → UTF-8, the mark removed;
/// 4. bytes that are valid UTF-8 → UTF-8;
/// 5. otherwise CP932 (Windows-31J, the Shift_JIS of Japanese Windows and Excel), including the
///    NEC special characters (①, ㈱) and the IBM extensions (髙, 﨑). See `CP932` for the table.
///
/// Japanese text in CP932 is almost never valid UTF-8, so step 4 does not misread it; a file that
/// is pure ASCII reads the same either way. `encoding: .utf8` or `.cp932` skips detection.
///
/// Refused, each with the file, the physical line and the fix in the message: bytes invalid in the
/// encoding (with their byte offset, counted from 0 at the start of the file), NUL bytes, and a
/// byte-order mark after the start of the file, which appears when files are concatenated.
///
/// Thread safety: stateless; call from any thread.
public enum TextDecoding {
    /// Which encoding to read a file in.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// Detect: UTF-16 or UTF-8 by byte-order mark, then UTF-8 if valid, else CP932.
        case auto
        /// UTF-8, with or without a byte-order mark.
        case utf8
        /// CP932 (Windows-31J, Microsoft's Shift_JIS).
        case cp932
    }

    /// The encoding a file was read in.
    public enum DetectedEncoding: String, Sendable, Hashable, CaseIterable {
        /// UTF-8 without a byte-order mark (also any pure-ASCII file).
        case utf8
        /// UTF-8 that started with `EF BB BF` (Excel's "CSV UTF-8").
        case utf8WithByteOrderMark
        /// CP932 (Windows-31J).
        case cp932
        /// UTF-16 little-endian with the mark `FF FE` (Excel's "Unicode text").
        case utf16LittleEndian
        /// UTF-16 big-endian with the mark `FE FF`.
        case utf16BigEndian
    }

    /// Decodes the bytes of a file.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - encoding: `.auto` to detect, or the encoding to use.
    ///   - source: the file name to put in error messages.
    /// - Throws: ``TabularError`` of kind `.notText`, `.invalidEncoding` or `.byteOrderMarkInside`.
    public static func decode(_ data: Data, encoding: Encoding = .auto, source: String) throws(TabularError)
        -> DecodedText
    {
        let (bytes, detected) = try decodeToUTF8(data, encoding: encoding, source: source)
        return DecodedText(text: String(decoding: bytes, as: UTF8.self), encoding: detected)
    }

    /// Reads and decodes a file; error messages name it by its last path component.
    public static func decode(contentsOf url: URL, encoding: Encoding = .auto) throws(TabularError) -> DecodedText {
        try decode(readFile(url), encoding: encoding, source: url.lastPathComponent)
    }

    /// Reads and decodes a file as ``decode(contentsOf:encoding:)`` does, returning the UTF-8
    /// bytes (checked, without a leading byte-order mark) rather than a `String`, for readers that
    /// work on bytes.
    public static func decodeToUTF8(contentsOf url: URL, encoding: Encoding = .auto) throws(TabularError)
        -> (bytes: [UInt8], encoding: DetectedEncoding)
    {
        try decodeToUTF8(readFile(url), encoding: encoding, source: url.lastPathComponent)
    }

    // MARK: - Internals shared with the CSV reader

    /// Reads a file, memory-mapped when the system allows, so that the file is not held twice.
    /// Folders, FIFOs and files above the CSV size limit (``InputLimits``) are refused.
    static func readFile(_ url: URL) throws(TabularError) -> Data {
        do {
            return try InputFile.read(url, kind: .csv)
        } catch {
            throw TabularError(
                error.tooLarge ? .tooLarge : .unreadableFile, source: url.lastPathComponent, error.message, fix: error.fix,
                detailNamesSource: true)
        }
    }

    /// The file's text as UTF-8 bytes without a leading byte-order mark: one copy of the file.
    static func decodeToUTF8(_ data: Data, encoding: Encoding, source: String) throws(TabularError)
        -> (bytes: [UInt8], encoding: DetectedEncoding)
    {
        let result: Result<([UInt8], DetectedEncoding), TabularError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            do throws(TabularError) {
                return .success(try decodeToUTF8(bytes, encoding: encoding, source: source))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func decodeToUTF8(
        _ bytes: UnsafeBufferPointer<UInt8>, encoding: Encoding, source: String
    ) throws(TabularError) -> ([UInt8], DetectedEncoding) {
        guard !bytes.isEmpty else { return ([], .utf8) }
        try rejectWorkbooks(bytes, source: source)

        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            let mark = bytes[0] == 0xFF ? "FF FE" : "FE FF"
            guard encoding == .auto else {
                throw TabularError(
                    .invalidEncoding, source: source,
                    "the file starts with the UTF-16 byte-order mark \(mark), so it is UTF-16 (Excel's \"Unicode text\"), not \(encoding.displayName)",
                    fix: "set encoding: auto, or save it as UTF-8"
                )
            }
            return try decodeUTF16(bytes, littleEndian: bytes[0] == 0xFF, source: source)
        }

        if let nul = firstNUL(bytes) {
            throw TabularError(
                .notText, source: source, line: lineNumber(atOffset: nul, in: bytes),
                "byte 0x00 at byte offset \(nul): a text file has no NUL bytes, so this may be UTF-16 without a byte-order mark, or not a text file at all",
                fix: "save it as UTF-8 CSV"
            )
        }

        var bomLength = 0
        while bytes.count >= bomLength + 3, bytes[bomLength] == 0xEF, bytes[bomLength + 1] == 0xBB,
            bytes[bomLength + 2] == 0xBF
        {
            bomLength += 3
        }

        if encoding == .cp932 {
            switch CP932.decode(bytes) {
            case .success(let output): return (output, .cp932)
            case .failure(let failure): throw cp932Error(at: failure.offset, in: bytes, source: source, explicit: true)
            }
        }

        let body = UnsafeBufferPointer(rebasing: bytes[bomLength...])
        guard let invalid = firstInvalidUTF8(body) else {
            if let mark = firstByteOrderMark(body) {
                let offset = bomLength + mark
                throw TabularError(
                    .byteOrderMarkInside, source: source, line: lineNumber(atOffset: offset, in: bytes),
                    "byte-order mark (EF BB BF) at byte offset \(offset), inside the file, as when files are concatenated",
                    fix: "delete the mark, or save the parts as UTF-8 without BOM before joining them"
                )
            }
            return (Array(body), bomLength > 0 ? .utf8WithByteOrderMark : .utf8)
        }
        let utf8Offset = bomLength + invalid
        if encoding == .utf8 || bomLength > 0 {
            let reason = bomLength > 0 && encoding == .auto ? " (the file starts with a UTF-8 byte-order mark)" : ""
            throw TabularError(
                .invalidEncoding, source: source, line: lineNumber(atOffset: utf8Offset, in: bytes),
                "byte 0x\(hex(bytes[utf8Offset])) at byte offset \(utf8Offset) is not valid UTF-8\(reason)",
                fix: "save the file as UTF-8 or CP932, or set encoding: cp932 if it was saved by Japanese Excel"
            )
        }
        switch CP932.decode(bytes) {
        case .success(let output):
            return (output, .cp932)
        case .failure(let failure):
            if isByteOrderMark(at: failure.offset, in: bytes) || failure.offset >= utf8Offset {
                throw cp932Error(at: failure.offset, in: bytes, source: source, explicit: false)
            }
            throw TabularError(
                .invalidEncoding, source: source, line: lineNumber(atOffset: utf8Offset, in: bytes),
                "the file is neither UTF-8 nor CP932 (Shift_JIS): it reads as UTF-8 up to byte 0x\(hex(bytes[utf8Offset])) at byte offset \(utf8Offset), which is invalid",
                fix: "save the file as UTF-8 or CP932, or set encoding: to the encoding it was saved in"
            )
        }
    }

    private static func cp932Error(
        at offset: Int, in bytes: UnsafeBufferPointer<UInt8>, source: String, explicit: Bool
    ) -> TabularError {
        let line = lineNumber(atOffset: offset, in: bytes)
        if isByteOrderMark(at: offset, in: bytes) {
            if offset == 0 {
                return TabularError(
                    .invalidEncoding, source: source, line: line,
                    "the file starts with a UTF-8 byte-order mark (EF BB BF), so it is UTF-8, not CP932",
                    fix: "set encoding: utf8 or auto"
                )
            }
            return TabularError(
                .byteOrderMarkInside, source: source, line: line,
                "UTF-8 byte-order mark (EF BB BF) at byte offset \(offset), inside CP932 (Shift_JIS) text: a UTF-8 file was probably appended to a CP932 one",
                fix: "save all the parts in one encoding and join them again"
            )
        }
        let byte = "byte 0x\(hex(bytes[offset])) at byte offset \(offset)"
        if explicit {
            return TabularError(
                .invalidEncoding, source: source, line: line,
                "\(byte) is not valid CP932 (Shift_JIS)",
                fix: "save the file as UTF-8 or CP932, or set encoding: utf8 if it is UTF-8"
            )
        }
        return TabularError(
            .invalidEncoding, source: source, line: line,
            "the file is neither UTF-8 nor CP932 (Shift_JIS): it reads as CP932 up to \(byte), which is invalid",
            fix: "save the file as UTF-8 or CP932, or set encoding: to the encoding it was saved in"
        )
    }

    private static func decodeUTF16(_ bytes: UnsafeBufferPointer<UInt8>, littleEndian: Bool, source: String)
        throws(TabularError) -> ([UInt8], DetectedEncoding)
    {
        let body = Data(UnsafeBufferPointer(rebasing: bytes[2...]))
        guard let text = String(data: body, encoding: littleEndian ? .utf16LittleEndian : .utf16BigEndian) else {
            throw TabularError(
                .invalidEncoding, source: source,
                "the file starts with a UTF-16 byte-order mark but is not valid UTF-16", fix: "save it as UTF-8 CSV")
        }
        let output = Array(text.utf8)
        let mark = output.withUnsafeBufferPointer { firstByteOrderMark($0) }
        if let mark {
            let line = output.withUnsafeBufferPointer { lineNumber(atOffset: mark, in: $0) }
            throw TabularError(
                .byteOrderMarkInside, source: source, line: line,
                "byte-order mark (U+FEFF) inside the file, as when files are concatenated",
                fix: "delete the mark, or save the parts as UTF-8 without BOM before joining them"
            )
        }
        return (output, littleEndian ? .utf16LittleEndian : .utf16BigEndian)
    }

    private static func rejectWorkbooks(_ bytes: UnsafeBufferPointer<UInt8>, source: String) throws(TabularError) {
        let xlsx: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        let xls: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        for (signature, name) in [(xlsx, ".xlsx"), (xls, ".xls")] where bytes.starts(with: signature) {
            throw TabularError(
                .notText, source: source,
                "this is an Excel workbook (\(name)) or another binary file, not CSV text",
                fix: "in Excel use Save As with the file type \"CSV UTF-8 (comma delimited)\""
            )
        }
    }

    // MARK: - Byte-level helpers

    /// The 1-based physical line that contains `offset`: line breaks are LF, CRLF and a lone CR.
    /// Safe on UTF-8 and CP932 bytes, in which 0x0A and 0x0D never occur inside a character.
    static func lineNumber(atOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
            } else if byte == 0x0D {
                // A CR followed by LF is one break, counted at the LF.
                if index + 1 >= bytes.count || bytes[index + 1] != 0x0A { line += 1 }
            }
            index += 1
        }
        return line
    }

    /// The offset of the first byte that makes the buffer invalid UTF-8, or nil when it is valid.
    /// Rejects overlong forms, surrogates and values above U+10FFFF, as the standard requires.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index < count {
            // ASCII fast path: eight bytes at a time.
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return index }
            for next in 2..<length where bytes[index + next] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }

    /// The offset of the first UTF-8 byte-order mark (EF BB BF) in the buffer, or nil.
    static func firstByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let end = bytes.count - 2
        while index < end {
            if bytes[index] == 0xEF && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF { return index }
            index += 1
        }
        return nil
    }

    private static func firstNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        bytes.firstIndex(of: 0)
    }

    private static func isByteOrderMark(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        offset + 2 < bytes.count && bytes[offset] == 0xEF && bytes[offset + 1] == 0xBB && bytes[offset + 2] == 0xBF
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}

extension TextDecoding.Encoding {
    var displayName: String {
        switch self {
        case .auto: return "auto"
        case .utf8: return "UTF-8"
        case .cp932: return "CP932"
        }
    }
}

/// Text read from a file, with the encoding it was read in.
public struct DecodedText: Sendable, Hashable {
    /// The text, without a leading byte-order mark. Line breaks are kept as they were.
    public let text: String
    /// The encoding the bytes were read in.
    public let encoding: TextDecoding.DetectedEncoding
}
