/// The protocol-buffers wire format (varints, zigzag, length-delimited fields), decoded by hand.
///
/// OpenStreetMap PBF needs only a handful of messages and field types, so CareNetwork decodes them
/// directly rather than through `apple/swift-protobuf`: no code generator, no committed generated
/// code, no extra package to build. See <https://protobuf.dev/programming-guides/encoding/>.
///
/// The reader walks a borrowed byte buffer; it never copies and never reads past `end`. Every
/// malformed input (a varint longer than 10 bytes, a length past the end, a group wire type) throws
/// ``WireError``, which the PBF reader turns into a message naming the file and blob.
struct WireReader {
    let base: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes
        position = 0
        end = bytes.count
    }

    var isAtEnd: Bool { position >= end }

    /// An unsigned base-128 varint (at most 10 bytes).
    @inline(__always)
    mutating func varint() throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw WireError("a varint runs past the end of its message") }
            let byte = base[position]
            position += 1
            if shift == 63 && byte > 1 { throw WireError("a varint is longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw WireError("a varint is longer than 10 bytes") }
        }
    }

    /// A zigzag-encoded signed varint (`sint32`, `sint64`).
    @inline(__always)
    mutating func signedVarint() throws(WireError) -> Int64 {
        let n = try varint()
        return Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1)))
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func field() throws(WireError) -> (number: Int, wireType: Int)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let number = Int(truncatingIfNeeded: key >> 3)
        guard number > 0 else { throw WireError("a field has number 0") }
        return (number, Int(key & 7))
    }

    /// The bytes of a length-delimited field (wire type 2).
    mutating func lengthDelimited() throws(WireError) -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw WireError("a field of \(length) bytes runs past the end of its message (\(end - position) bytes left)")
        }
        let start = position
        position += Int(length)
        return UnsafeRawBufferPointer(rebasing: base[start..<position])
    }

    /// Skips a field of the given wire type.
    mutating func skip(wireType: Int) throws(WireError) {
        switch wireType {
        case 0: _ = try varint()
        case 1: try advance(8)
        case 2: _ = try lengthDelimited()
        case 5: try advance(4)
        default: throw WireError("wire type \(wireType) (groups or an unknown type) is not used by OSM PBF")
        }
    }

    private mutating func advance(_ n: Int) throws(WireError) {
        guard end - position >= n else { throw WireError("a fixed-size field runs past the end of its message") }
        position += n
    }

    /// The value of a scalar varint field, checking its wire type.
    mutating func varintField(wireType: Int, name: String) throws(WireError) -> UInt64 {
        guard wireType == 0 else { throw WireError("field \(name) has wire type \(wireType), expected a varint") }
        return try varint()
    }

    /// The bytes of a length-delimited field, checking its wire type.
    mutating func bytesField(wireType: Int, name: String) throws(WireError) -> UnsafeRawBufferPointer {
        guard wireType == 2 else { throw WireError("field \(name) has wire type \(wireType), expected bytes") }
        return try lengthDelimited()
    }

    /// Appends the values of a repeated varint field, packed (wire type 2) or not (wire type 0).
    mutating func repeatedVarints(wireType: Int, name: String, into values: inout [UInt64]) throws(WireError) {
        if wireType == 0 {
            values.append(try varint())
        } else if wireType == 2 {
            var packed = WireReader(try lengthDelimited())
            while !packed.isAtEnd { values.append(try packed.varint()) }
        } else {
            throw WireError("repeated field \(name) has wire type \(wireType)")
        }
    }

    /// Appends the values of a repeated zigzag field (`sint64`), packed or not.
    mutating func repeatedSignedVarints(wireType: Int, name: String, into values: inout [Int64]) throws(WireError) {
        if wireType == 0 {
            values.append(try signedVarint())
        } else if wireType == 2 {
            var packed = WireReader(try lengthDelimited())
            while !packed.isAtEnd { values.append(try packed.signedVarint()) }
        } else {
            throw WireError("repeated field \(name) has wire type \(wireType)")
        }
    }
}

/// A protocol-buffers decoding failure (the PBF reader adds the file and blob).
struct WireError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
