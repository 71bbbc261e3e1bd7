/// Microsoft code page 932 (Windows-31J), the "Shift_JIS" that Japanese Excel and Windows write.
///
/// Written here rather than taken from Foundation: Foundation's `.shiftJIS` on Linux
/// (swift-corelibs-foundation, checked with Swift 6.3.1) agrees with this table for all 12,096
/// double-byte codes, but it reports neither where a file stops being CP932 nor why, and its
/// behaviour is platform-defined. The mapping comes from Python's 'cp932' codec through
/// `Sources/CareFormats/Tabular/generate_cp932_table.py` (see `CP932Table.swift`).
///
/// Mappings worth knowing, because they differ from JIS Shift_JIS as macOS's "Shift JIS" writes it:
/// 0x8160 is U+FF5E FULLWIDTH TILDE ～ (not U+301C WAVE DASH 〜), 0x817C is U+FF0D FULLWIDTH
/// HYPHEN-MINUS － (not U+2212 MINUS SIGN −), 0x8161 is U+2225 ∥, and 0x8191, 0x8192, 0x81CA are
/// U+FFE0 ￠, U+FFE1 ￡, U+FFE2 ￢. The number parser accepts both minus signs for this reason.
///
/// Thread safety: stateless; the table is an immutable global.
enum CP932 {
    /// Why decoding stopped: the offset of the first byte of the offending character.
    struct Failure: Error, Equatable {
        let offset: Int
    }

    /// Index of a double-byte code in `doubleByteTable`, or nil when `lead`/`trail` are out of range.
    @inline(__always)
    static func tableIndex(lead: UInt8, trail: UInt8) -> Int? {
        let row: Int
        switch lead {
        case 0x81...0x9F: row = Int(lead) - 0x81
        case 0xE0...0xFC: row = Int(lead) - 0xE0 + 31
        default: return nil
        }
        let column: Int
        switch trail {
        case 0x40...0x7E: column = Int(trail) - 0x40
        case 0x80...0xFC: column = Int(trail) - 0x80 + 63
        default: return nil
        }
        return row * 188 + column
    }

    /// Decodes CP932 bytes to UTF-8 bytes.
    ///
    /// Single bytes 0x00–0x7F are ASCII (0x5C is the backslash, shown as ¥ by Japanese fonts);
    /// 0xA1–0xDF are half-width katakana U+FF61–U+FF9F; 0x80, 0xA0 and 0xFD–0xFF are rejected.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], Failure> {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 2)
        let table = doubleByteTable
        return table.withUnsafeBufferPointer { table in
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    output.append(byte)
                    index += 1
                    continue
                }
                if byte >= 0xA1 && byte <= 0xDF {
                    appendUTF8(UInt32(byte) + 0xFEC0, to: &output)
                    index += 1
                    continue
                }
                guard index + 1 < count,
                    let position = tableIndex(lead: byte, trail: bytes[index + 1]),
                    table[position] != 0
                else { return .failure(Failure(offset: index)) }
                appendUTF8(UInt32(table[position]), to: &output)
                index += 2
            }
            return .success(output)
        }
    }

    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        if scalar < 0x80 {
            output.append(UInt8(scalar))
        } else if scalar < 0x800 {
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        } else {
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Unicode scalar → code, the lowest code when a character has several (髙 U+9AD9 is both
    /// 0xEEE0 and 0xFBFC: 0xEEE0), which is what Python's encoder does.
    static let encodingTable: [UInt16: UInt16] = {
        var inverse: [UInt16: UInt16] = [:]
        for (position, scalar) in doubleByteTable.enumerated() where scalar != 0 {
            let row = position / 188, column = position % 188
            let lead = row < 31 ? 0x81 + row : 0xE0 + row - 31
            let trail = column < 63 ? 0x40 + column : 0x80 + column - 63
            let code = UInt16(lead << 8 | trail)
            if inverse[scalar] == nil { inverse[scalar] = code }
        }
        return inverse
    }()

    /// Encodes text as CP932, or returns the first character that CP932 cannot represent.
    ///
    /// A strict inverse of ``decode(_:)``: no best-fit substitutions (U+2212 − is not turned into
    /// 0x817C), so decoding the result always gives back the same text. Used by the tests to turn
    /// a UTF-8 file into the CP932 bytes that Japanese Excel would write.
    static func encode(_ text: String) -> Result<[UInt8], UnencodableCharacter> {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                output.append(UInt8(value))
            } else if value >= 0xFF61 && value <= 0xFF9F {
                output.append(UInt8(value - 0xFEC0))
            } else if value <= 0xFFFF, let code = encodingTable[UInt16(value)] {
                output.append(UInt8(code >> 8))
                output.append(UInt8(code & 0xFF))
            } else {
                return .failure(UnencodableCharacter(scalar: scalar))
            }
        }
        return .success(output)
    }

    struct UnencodableCharacter: Error, Equatable {
        let scalar: Unicode.Scalar
    }
}
