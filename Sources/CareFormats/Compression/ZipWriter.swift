import Foundation

/// A zip archive written in memory (PKWARE APPNOTE 6.3, §4.3): members deflated (method 8, raw
/// DEFLATE from ``Deflate``) or stored when that is smaller, names in UTF-8 (flag bit 11), every
/// timestamp 1980-01-01 00:00 (the DOS epoch) and no extra fields, so that the same members in the
/// same order give the same bytes on every run and machine. For `.xlsx` workbooks (``XLSXWriter``);
/// ``ZipArchive`` reads it back.
///
/// Limits: no zip64 (members and the archive under 4 GiB, at most 65,535 members), checked with a
/// precondition (tables of a study are far below).
public struct ZipWriter: Sendable {
    private var body = Data()
    private var central = Data()
    private var count = 0

    public init() {}

    /// Appends a member named `name` (`/`-separated) holding `content`.
    public mutating func add(_ name: String, _ content: Data) {
        precondition(content.count < Int(UInt32.max) && body.count < Int(UInt32.max) && count < 0xFFFF, "zip64 is not supported")
        let crc = content.withUnsafeBytes { Deflate.crc32($0) }
        // A zlib stream is a 2-byte header, the raw DEFLATE data and a 4-byte Adler-32: zip wants the middle.
        let zlib = content.withUnsafeBytes { Deflate.compress($0, level: 9) }
        let deflated = zlib.count > 6 ? zlib.subdata(in: zlib.startIndex + 2 ..< zlib.endIndex - 4) : Data()
        let (method, stored): (UInt16, Data) = !content.isEmpty && deflated.count < content.count ? (8, deflated) : (0, content)
        let nameBytes = Data(name.utf8)
        let offset = UInt32(body.count)
        func common(_ d: inout Data) {
            d.le16(20)            // version needed to extract: 2.0 (deflate)
            d.le16(0x0800)        // flags: names in UTF-8
            d.le16(method)
            d.le16(0)             // modification time 00:00:00
            d.le16(0x0021)        // modification date 1980-01-01
            d.le32(crc)
            d.le32(UInt32(stored.count))
            d.le32(UInt32(content.count))
            d.le16(UInt16(nameBytes.count))
            d.le16(0)             // extra field length
        }
        body.le32(0x0403_4B50)
        common(&body)
        body.append(nameBytes)
        body.append(stored)
        central.le32(0x0201_4B50)
        central.le16(20)          // version made by: MS-DOS, 2.0
        common(&central)
        central.le16(0)           // comment length
        central.le16(0)           // disk number
        central.le16(0)           // internal attributes
        central.le32(0)           // external attributes
        central.le32(offset)
        central.append(nameBytes)
        count += 1
    }

    /// The archive: the members, the central directory and its end record.
    public func archive() -> Data {
        var out = body
        out.append(central)
        out.le32(0x0605_4B50)
        out.le16(0)
        out.le16(0)
        out.le16(UInt16(count))
        out.le16(UInt16(count))
        out.le32(UInt32(central.count))
        out.le32(UInt32(body.count))
        out.le16(0)               // comment length
        return out
    }
}

extension Data {
    fileprivate mutating func le16(_ v: UInt16) { append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8)]) }
    fileprivate mutating func le32(_ v: UInt32) {
        append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)])
    }
}
