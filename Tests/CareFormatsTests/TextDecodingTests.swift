import Foundation
import Testing

@testable import CareFormats

@Suite("Text decoding")
struct TextDecodingTests {
    typealias T = TabularTestData

    // MARK: - Detection

    @Test func utf8WithByteOrderMarkLosesTheMark() throws {
        let decoded = try TextDecoding.decode(Data(T.byteOrderMark + Array("area_code,患者数\n".utf8)), source: "a.csv")
        #expect(decoded.text == "area_code,患者数\n")
        #expect(decoded.encoding == .utf8WithByteOrderMark)
    }

    @Test func utf8WithoutByteOrderMark() throws {
        let decoded = try TextDecoding.decode(T.utf8("13105,文京区\r\n"), source: "a.csv")
        #expect(decoded.text == "13105,文京区\r\n")
        #expect(decoded.encoding == .utf8)
    }

    @Test func cp932BunkyoKu() throws {
        let decoded = try TextDecoding.decode(Data([0x95, 0xB6, 0x8B, 0x9E, 0x8B, 0xE6]), source: "a.csv")
        #expect(decoded.text == "文京区")
        #expect(decoded.encoding == .cp932)
    }

    /// NEC special characters (①, ㈱), the IBM extension 髙 in both its codes, and the two
    /// characters where Microsoft's table differs from JIS: 0x8160 is ～ U+FF5E (not 〜 U+301C) and
    /// 0x817C is － U+FF0D (not − U+2212).
    @Test func cp932ExtensionsAndMicrosoftMappings() throws {
        let bytes: [UInt8] = [0x87, 0x40, 0x87, 0x8A, 0xEE, 0xE0, 0xFB, 0xFC, 0x81, 0x60, 0x81, 0x7C, 0xB1, 0x5C]
        let decoded = try TextDecoding.decode(Data(bytes), encoding: .cp932, source: "a.csv")
        #expect(decoded.text == "①㈱髙髙\u{FF5E}\u{FF0D}ｱ\\")
        #expect(decoded.text.unicodeScalars.map(\.value) == [0x2460, 0x3231, 0x9AD9, 0x9AD9, 0xFF5E, 0xFF0D, 0xFF71, 0x5C])
    }

    @Test func detectionPicksCP932ForTheSameBytes() throws {
        let decoded = try TextDecoding.decode(try T.cp932("①㈱髙～,3\n"), source: "a.csv")
        #expect(decoded.text == "①㈱髙～,3\n")
        #expect(decoded.encoding == .cp932)
    }

    @Test func asciiIsUTF8() throws {
        #expect(try TextDecoding.decode(T.utf8("a,b\n"), source: "a.csv").encoding == .utf8)
    }

    @Test func explicitCP932ReadsASCII() throws {
        let decoded = try TextDecoding.decode(T.utf8("a,b\n"), encoding: .cp932, source: "a.csv")
        #expect(decoded.text == "a,b\n")
        #expect(decoded.encoding == .cp932)
    }

    @Test func utf16LittleEndianFromExcelUnicodeText() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "市区町村\t人口\r\n文京区\t240069\r\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let decoded = try TextDecoding.decode(Data(bytes), source: "a.txt")
        #expect(decoded.text == "市区町村\t人口\r\n文京区\t240069\r\n")
        #expect(decoded.encoding == .utf16LittleEndian)
    }

    @Test func emptyDataIsEmptyText() throws {
        #expect(try TextDecoding.decode(Data(), source: "a.csv").text == "")
    }

    // MARK: - The CP932 table

    /// Every assigned double-byte code decodes to one character, and encoding that character and
    /// decoding again gives it back (the encoder picks the lowest of duplicate codes).
    @Test func everyDoubleByteCodeRoundTrips() throws {
        var decodedCount = 0
        for lead in Array(UInt8(0x81)...0x9F) + Array(UInt8(0xE0)...0xFC) {
            for trail in Array(UInt8(0x40)...0x7E) + Array(UInt8(0x80)...0xFC) {
                let result = [lead, trail].withUnsafeBufferPointer { CP932.decode($0) }
                guard case .success(let utf8) = result else { continue }
                decodedCount += 1
                let text = String(decoding: utf8, as: UTF8.self)
                #expect(text.unicodeScalars.count == 1)
                let encoded = try T.cp932(text)
                let again = Array(encoded).withUnsafeBufferPointer { CP932.decode($0) }
                #expect(again == .success(utf8))
            }
        }
        #expect(decodedCount == 9604)  // 9,604 codes assigned, as Python's cp932 codec has them
    }

    @Test func lowestCodeWinsWhenEncoding() throws {
        #expect(Array(try T.cp932("髙")) == [0xEE, 0xE0])
        #expect(Array(try T.cp932("∵")) == [0x81, 0xE6])
    }

    @Test func strictEncoderRefusesTheJISMinus() {
        #expect(CP932.encode("−") == .failure(CP932.UnencodableCharacter(scalar: "\u{2212}")))
    }

    @Test func singleBytesOutsideTheTableAreRefused() {
        for byte: UInt8 in [0x80, 0xA0, 0xFD, 0xFE, 0xFF] {
            #expect([byte].withUnsafeBufferPointer { CP932.decode($0) } == .failure(CP932.Failure(offset: 0)))
        }
        // A lead byte cut off by the end of the data.
        #expect([0x41, 0x95].withUnsafeBufferPointer { CP932.decode($0) } == .failure(CP932.Failure(offset: 1)))
    }

    /// Foundation on Linux decodes CP932 the same way (checked once for all codes when the table
    /// was made); keep a few characters under test so that a change in either is noticed.
    @Test func agreesWithFoundationOnSamples() throws {
        let samples: [[UInt8]] = [[0x95, 0xB6], [0x87, 0x40], [0x87, 0x8A], [0xFB, 0xFC], [0xED, 0x40], [0x81, 0x60], [0x81, 0x7C]]
        for bytes in samples {
            let ours = try TextDecoding.decode(Data(bytes), encoding: .cp932, source: "a").text
            #expect(String(data: Data(bytes), encoding: .shiftJIS) == ours)
        }
    }

    // MARK: - Errors

    @Test func neitherUTF8NorCP932() throws {
        let error = #expect(throws: TabularError.self) {
            try TextDecoding.decode(Data(Array("a,b\n1,".utf8) + [0xFF, 0x0A]), source: "patients.csv")
        }
        #expect(error?.kind == .invalidEncoding)
        #expect(error?.line == 2)
        #expect(
            error?.description
                == "patients.csv, line 2: the file is neither UTF-8 nor CP932 (Shift_JIS): it reads as CP932 up to byte 0xFF at byte offset 6, which is invalid; save the file as UTF-8 or CP932, or set encoding: to the encoding it was saved in"
        )
    }

    /// A UTF-8 file with one broken byte after Japanese text reads further as UTF-8 than as CP932,
    /// so the message points at the broken byte.
    @Test func brokenUTF8IsReportedAsUTF8() throws {
        let bytes = Array("code,name\n13105,文京区\n13106,".utf8) + [0xE5, 0x41] + Array("\n".utf8)
        let error = #expect(throws: TabularError.self) { try TextDecoding.decode(Data(bytes), source: "p.csv") }
        #expect(
            error?.description
                == "p.csv, line 3: the file is neither UTF-8 nor CP932 (Shift_JIS): it reads as UTF-8 up to byte 0xE5 at byte offset 32, which is invalid; save the file as UTF-8 or CP932, or set encoding: to the encoding it was saved in"
        )
    }

    @Test func explicitUTF8OnCP932Bytes() throws {
        let bytes: [UInt8] = Array("a\n".utf8) + [0x95, 0xB6]
        let error = #expect(throws: TabularError.self) {
            try TextDecoding.decode(Data(bytes), encoding: .utf8, source: "p.csv")
        }
        #expect(
            error?.description
                == "p.csv, line 2: byte 0x95 at byte offset 2 is not valid UTF-8; save the file as UTF-8 or CP932, or set encoding: cp932 if it was saved by Japanese Excel"
        )
    }

    @Test func explicitCP932OnAnUnassignedCode() throws {
        let error = #expect(throws: TabularError.self) {
            try TextDecoding.decode(Data([0x41, 0x0D, 0x0A, 0x85, 0x40]), encoding: .cp932, source: "p.csv")
        }
        #expect(
            error?.description
                == "p.csv, line 2: byte 0x85 at byte offset 3 is not valid CP932 (Shift_JIS); save the file as UTF-8 or CP932, or set encoding: utf8 if it is UTF-8"
        )
    }

    @Test func byteOrderMarkInsideUTF8() throws {
        let first = T.byteOrderMark + Array("a,b\r\n1,2\r\n".utf8)
        let second = T.byteOrderMark + Array("a,b\r\n3,4\r\n".utf8)
        let error = #expect(throws: TabularError.self) { try TextDecoding.decode(Data(first + second), source: "all.csv") }
        #expect(error?.kind == .byteOrderMarkInside)
        #expect(error?.line == 3)
        #expect(
            error?.description
                == "all.csv, line 3: byte-order mark (EF BB BF) at byte offset 13, inside the file, as when files are concatenated; delete the mark, or save the parts as UTF-8 without BOM before joining them"
        )
    }

    @Test func utf8ByteOrderMarkInsideCP932() throws {
        let bytes = Array(try T.cp932("区,人数\n文京区,3\n")) + T.byteOrderMark + Array("区,人数\n".utf8)
        let error = #expect(throws: TabularError.self) { try TextDecoding.decode(Data(bytes), source: "all.csv") }
        #expect(error?.kind == .byteOrderMarkInside)
        #expect(
            error?.description
                == "all.csv, line 3: UTF-8 byte-order mark (EF BB BF) at byte offset 17, inside CP932 (Shift_JIS) text: a UTF-8 file was probably appended to a CP932 one; save all the parts in one encoding and join them again"
        )
    }

    @Test func explicitCP932OnAFileWithAUTF8Mark() throws {
        let error = #expect(throws: TabularError.self) {
            try TextDecoding.decode(Data(T.byteOrderMark + Array("a\n".utf8)), encoding: .cp932, source: "a.csv")
        }
        #expect(
            error?.description
                == "a.csv, line 1: the file starts with a UTF-8 byte-order mark (EF BB BF), so it is UTF-8, not CP932; set encoding: utf8 or auto"
        )
    }

    @Test func excelWorkbookIsNotText() throws {
        let error = #expect(throws: TabularError.self) {
            try TextDecoding.decode(Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]), source: "patients.xlsx")
        }
        #expect(error?.kind == .notText)
        #expect(
            error?.description
                == "patients.xlsx: this is an Excel workbook (.xlsx) or another binary file, not CSV text; in Excel use Save As with the file type \"CSV UTF-8 (comma delimited)\""
        )
    }

    @Test func utf16WithoutMarkHasNULBytes() throws {
        var bytes: [UInt8] = []
        for unit in "a,b\n".utf16 { bytes += [UInt8(unit), 0] }
        let error = #expect(throws: TabularError.self) { try TextDecoding.decode(Data(bytes), source: "u.csv") }
        #expect(
            error?.description
                == "u.csv, line 1: byte 0x00 at byte offset 1: a text file has no NUL bytes, so this may be UTF-16 without a byte-order mark, or not a text file at all; save it as UTF-8 CSV"
        )
    }

    @Test func missingFile() throws {
        let error = #expect(throws: TabularError.self) {
            try TextDecoding.decode(contentsOf: URL(fileURLWithPath: "/nonexistent/patients.csv"))
        }
        #expect(error?.kind == .unreadableFile)
        #expect(error?.description == "cannot read /nonexistent/patients.csv: no such file; check the path and the file name")
    }

    @Test func lineNumbersCountCRLFAndLoneCROnce() {
        let bytes = Array("a\r\nb\rc\nd".utf8)
        let lines = bytes.withUnsafeBufferPointer { buffer in
            (0..<bytes.count).map { TextDecoding.lineNumber(atOffset: $0, in: buffer) }
        }
        #expect(lines == [1, 1, 1, 2, 2, 3, 3, 4])
    }

    @Test func utf8ValidatorFindsTheFirstBadByte() {
        let cases: [([UInt8], Int?)] = [
            (Array("文京区 abcdefghij".utf8), nil),
            ([0x41, 0xC0, 0x80], 1),  // overlong
            ([0x41, 0x42, 0xED, 0xA0, 0x80], 2),  // surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            (Array("abcdefghijklmnop".utf8) + [0xE6, 0x96], 16),  // cut off
            ([0xF0, 0x9F, 0x98, 0x80], nil),  // 😀
        ]
        for (bytes, expected) in cases {
            #expect(bytes.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8($0) } == expected)
        }
    }
}
